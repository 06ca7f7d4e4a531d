import { columnTypes } from "@shop/event-schema";
import { http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAthenaEngine, isReadOnlyStatement } from "../src/engine/athena/athena-engine.js";
import { athenaCostUsd, formatCostLine } from "../src/engine/athena/cost.js";
import type { AthenaProgress } from "../src/engine/athena/progress.js";
import {
  AthenaQueryError,
  EngineRequestError,
  QueryCancelledError,
  QueryTimeoutError,
  SqlError,
} from "../src/errors.js";
import { athenaClient, athenaError, ENDPOINT, fakeAthena, fakeClock } from "./support/fake-athena.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function setup(options: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  const athena = fakeAthena();
  server.use(athena.handler);
  const clock = fakeClock();
  const client = athenaClient();
  const engine = createAthenaEngine({
    client,
    workGroup: "analysts",
    database: "shop_analytics",
    outputLocation: "s3://query-results/shop/",
    clock,
    ...options,
  });
  return { athena, clock, engine };
}

const MB = 1024 ** 2;

describe("Athena engine over the Athena API (msw)", () => {
  it("starts the query in the work group and database, polls until SUCCEEDED and reads every page", async () => {
    const { athena, engine } = setup();
    athena.script({
      states: [{ state: "QUEUED" }, { state: "RUNNING", bytes: 5 * MB }, { state: "SUCCEEDED", bytes: 42 * MB }],
      columns: [
        { name: "event_type", type: "varchar" },
        { name: "n", type: "bigint" },
      ],
      pages: [
        [
          ["event_type", "n"],
          ["page", "10"],
          ["track", "20"],
        ],
        [["identify", "3"]],
        [
          ["screen", "1"],
          ["alias", undefined],
        ],
      ],
    });

    const result = await engine.execute("SELECT event_type, count(*) AS n FROM events GROUP BY 1");

    expect(result.rows).toEqual([
      { event_type: "page", n: 10 },
      { event_type: "track", n: 20 },
      { event_type: "identify", n: 3 },
      { event_type: "screen", n: 1 },
      { event_type: "alias", n: null },
    ]);
    expect(athena.operations()).toEqual([
      "StartQueryExecution",
      "GetQueryExecution",
      "GetQueryExecution",
      "GetQueryExecution",
      "GetQueryResults",
      "GetQueryResults",
      "GetQueryResults",
    ]);
    expect(athena.calls[0]?.body).toEqual({
      QueryString: "SELECT event_type, count(*) AS n FROM events GROUP BY 1",
      WorkGroup: "analysts",
      QueryExecutionContext: { Catalog: "AwsDataCatalog", Database: "shop_analytics" },
      ResultConfiguration: { OutputLocation: "s3://query-results/shop/" },
      // The SDK fills the idempotency token, so its own retries cannot start the query twice.
      ClientRequestToken: expect.any(String),
    });
    expect(athena.calls[0]?.contentType).toBe("application/x-amz-json-1.1");
    const resultCalls = athena.calls.filter((c) => c.operation === "GetQueryResults").map((c) => c.body);
    expect(resultCalls).toEqual([
      { QueryExecutionId: "query-1", MaxResults: 1000 },
      { QueryExecutionId: "query-1", MaxResults: 1000, NextToken: "page-1" },
      { QueryExecutionId: "query-1", MaxResults: 1000, NextToken: "page-2" },
    ]);
    expect(result.stats).toMatchObject({ queryExecutionId: "query-1", bytesScanned: 42 * MB, engineMs: 1234 });
    expect(result.stats.costUsd).toBeCloseTo((42 * 5) / 1024 ** 2, 12);
  });

  it("does not drop the first row of a DDL or utility statement: only a SELECT has a header row", async () => {
    const { athena, engine } = setup();
    athena.script({
      states: [{ state: "SUCCEEDED" }],
      statementType: "UTILITY",
      columns: [{ name: "tab_name", type: "string" }],
      pages: [[["events"], ["sessions"]]],
    });
    const result = await engine.execute("SHOW TABLES");
    expect(result.rows).toEqual([{ tab_name: "events" }, { tab_name: "sessions" }]);
    expect(result.stats.costUsd).toBe(0);
  });

  it("FAILED becomes an AthenaQueryError carrying Athena's StateChangeReason exactly", async () => {
    const { athena, engine } = setup();
    const reason = "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved or requester is not authorized";
    athena.script({ states: [{ state: "RUNNING" }, { state: "FAILED", reason, errorType: 1006 }] });

    const error = await engine.query("SELECT nope FROM events").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AthenaQueryError);
    expect(error).toBeInstanceOf(SqlError);
    expect(error).toMatchObject({ code: "SQL_FAILED", state: "FAILED", reason, errorType: 1006 });
    expect((error as Error).message).toBe(`Athena query query-1 FAILED: ${reason}`);
    expect(athena.operations()).not.toContain("GetQueryResults");
  });

  it("a query cancelled by someone else is an AthenaQueryError in state CANCELLED", async () => {
    const { athena, engine } = setup();
    athena.script({ states: [{ state: "CANCELLED", reason: "Query cancelled by user" }] });
    await expect(engine.query("SELECT 1")).rejects.toMatchObject({
      state: "CANCELLED",
      reason: "Query cancelled by user",
    });
  });

  it("abort while RUNNING stops the query on Athena, then rejects with QueryCancelledError", async () => {
    const controller = new AbortController();
    const { athena, engine } = setup({ signal: controller.signal });
    athena.script({ states: [{ state: "RUNNING", bytes: MB }] });
    const seen: string[] = [];

    const error = await engine
      .execute("SELECT * FROM events", [], {
        onProgress: (p) => {
          seen.push(p.state);
          if (p.state === "RUNNING") controller.abort(); // the CLI's Ctrl-C
        },
      })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(QueryCancelledError);
    expect(error).toMatchObject({ code: "QUERY_CANCELLED", queryExecutionId: "query-1" });
    expect(seen).toEqual(["RUNNING"]);
    expect(athena.operations()).toEqual(["StartQueryExecution", "GetQueryExecution", "StopQueryExecution"]);
    expect(athena.calls.at(-1)?.body).toEqual({ QueryExecutionId: "query-1" });
  });

  it("an already aborted signal starts nothing", async () => {
    const controller = new AbortController();
    controller.abort();
    const { athena, engine } = setup({ signal: controller.signal });
    await expect(engine.query("SELECT 1")).rejects.toBeInstanceOf(QueryCancelledError);
    expect(athena.calls).toEqual([]);
  });

  it("a query past the deadline is stopped and rejects with QueryTimeoutError", async () => {
    const { athena, engine } = setup({ timeoutMs: 1_000 });
    athena.script({ states: [{ state: "RUNNING" }] });
    const error = await engine.query("SELECT 1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryTimeoutError);
    // 200 + 400 + 800 ms of polling passed the 1 s deadline.
    expect(athena.operations()).toEqual([
      "StartQueryExecution",
      "GetQueryExecution",
      "GetQueryExecution",
      "GetQueryExecution",
      "StopQueryExecution",
    ]);
  });

  it("sends parameters as ExecutionParameters literals and leaves the SQL text unchanged", async () => {
    const { athena, engine } = setup();
    athena.script({ states: [{ state: "SUCCEEDED" }], columns: [], pages: [[[]]] });
    const sql =
      "SELECT * FROM daily_revenue WHERE currency = ? AND orders > ? AND net > ? AND ok = ? AND x IS ? AND id = ?";

    await engine.query(sql, ["it's BRL", 3, 2.5, true, null, 2n ** 60n]);

    expect(athena.calls[0]?.body.QueryString).toBe(sql);
    expect(athena.calls[0]?.body.ExecutionParameters).toEqual([
      "'it''s BRL'",
      "3",
      "DOUBLE '2.5'",
      "true",
      "NULL",
      "1152921504606846976",
    ]);
  });

  it("sends no ExecutionParameters without parameters (Athena refuses an empty list)", async () => {
    const { athena, engine } = setup();
    athena.script({ states: [{ state: "SUCCEEDED" }], pages: [[]] });
    await engine.query("SELECT 1");
    expect(athena.calls[0]?.body).not.toHaveProperty("ExecutionParameters");
  });

  it("refuses a parameter with no SQL literal before calling Athena", async () => {
    const { athena, engine } = setup();
    await expect(engine.query("SELECT ?", [Number.NaN])).rejects.toMatchObject({ code: "SQL_INVALID" });
    await expect(engine.query("SELECT ?", [2n ** 64n])).rejects.toMatchObject({ code: "SQL_INVALID" });
    expect(athena.calls).toEqual([]);
  });

  it("converts every Athena type the lake and its views return into the row contract", async () => {
    const { athena, engine } = setup();
    // The lake's column types as Athena reports them in result metadata (DDL `string` is varchar, `int` integer).
    const reported: Record<string, string> = {
      string: "varchar",
      int: "integer",
      double: "double",
      boolean: "boolean",
      timestamp: "timestamp",
    };
    const lakeTypes = Object.values(columnTypes).map((t) => reported[t.athena]);
    expect(lakeTypes).not.toContain(undefined);
    athena.script({
      states: [{ state: "SUCCEEDED", bytes: 1 }],
      columns: [
        { name: "s", type: "varchar" },
        { name: "empty", type: "varchar" },
        { name: "i", type: "integer" },
        { name: "small", type: "bigint" },
        { name: "big", type: "bigint" },
        { name: "d", type: "double" },
        { name: "b", type: "boolean" },
        { name: "day", type: "date" },
        { name: "ts", type: "timestamp" },
        { name: "ts_micro", type: "timestamp(6)" },
        { name: "ts_zone", type: "timestamp with time zone" },
        { name: "dec", type: "decimal(10,2)" },
        { name: "arr", type: "array" },
        { name: "nothing", type: "integer" },
      ],
      pages: [
        [
          ["s", "empty", "i", "small", "big", "d", "b", "day", "ts", "ts_micro", "ts_zone", "dec", "arr", "nothing"],
          [
            "BRL",
            "",
            "-42",
            "9007199254740991",
            "9007199254740993",
            "0.1",
            "true",
            "2026-11-28",
            "2026-11-28 10:00:00.250",
            "2026-11-28 10:00:00.123456",
            "2026-11-28 12:00:00.000 +02:00",
            "12.50",
            "[1, 2]",
            undefined,
          ],
        ],
      ],
    });
    const [row] = await engine.query("SELECT …");
    expect(row).toEqual({
      s: "BRL",
      empty: "",
      i: -42,
      small: 9007199254740991,
      big: 9007199254740993n,
      d: 0.1,
      b: true,
      day: "2026-11-28",
      ts: "2026-11-28T10:00:00.250Z",
      ts_micro: "2026-11-28T10:00:00.123Z",
      ts_zone: "2026-11-28T10:00:00.000Z",
      dec: 12.5,
      arr: "[1, 2]",
      nothing: null,
    });
  });

  it("a value that does not read as its column's type is a RESULT_SHAPE_INVALID error, not a wrong value", async () => {
    const { athena, engine } = setup();
    athena.script({
      states: [{ state: "SUCCEEDED" }],
      columns: [{ name: "n", type: "bigint" }],
      pages: [[["n"], ["12abc"]]],
    });
    await expect(engine.query("SELECT n")).rejects.toMatchObject({ code: "RESULT_SHAPE_INVALID" });
  });

  it("polls with capped exponential backoff and reports progress after every poll (fake clock)", async () => {
    const { athena, clock, engine } = setup();
    athena.script({
      states: [
        { state: "QUEUED" },
        ...[1, 2, 3, 4, 5, 6].map((n) => ({ state: "RUNNING", bytes: n * MB })),
        { state: "SUCCEEDED", bytes: 7 * MB },
      ],
      pages: [[]],
    });
    const progress: AthenaProgress[] = [];

    await engine.execute("SELECT 1", [], { onProgress: (p) => progress.push(p) });

    expect(clock.sleeps).toEqual([200, 400, 800, 1600, 2000, 2000, 2000, 2000]);
    expect(progress.map((p) => [p.state, p.elapsedMs, p.bytesScanned / MB])).toEqual([
      ["QUEUED", 200, 0],
      ["RUNNING", 600, 1],
      ["RUNNING", 1400, 2],
      ["RUNNING", 3000, 3],
      ["RUNNING", 5000, 4],
      ["RUNNING", 7000, 5],
      ["RUNNING", 9000, 6],
      ["SUCCEEDED", 11000, 7],
    ]);
    expect(engine.lastStats?.elapsedMs).toBe(11000);
  });

  it("reports the cost line of the last query (Athena's $5/TB with the 10 MB minimum)", async () => {
    const { athena, engine } = setup();
    athena.script({ states: [{ state: "SUCCEEDED", bytes: 1536 * MB }], pages: [[]] });
    await engine.query("SELECT 1");
    const stats = engine.lastStats;
    if (!stats) throw new Error("no stats");
    expect(stats.costUsd).toBeCloseTo(0.00732421875, 12);
    expect(formatCostLine(stats)).toBe(
      "athena: 1.50 GB scanned, ~$0.00732 (at $5/TB, 10 MB minimum), 0.2 s, query query-1",
    );
  });

  it("a request Athena refuses is SQL_INVALID; a service failure is ENGINE_REQUEST_FAILED", async () => {
    const { engine } = setup();
    server.use(
      http.post(ENDPOINT, () =>
        athenaError("InvalidRequestException", "Incorrect number of parameters: expected 1 but found 0"),
      ),
    );
    await expect(engine.query("SELECT * FROM events WHERE dt = ?")).rejects.toMatchObject({
      code: "SQL_INVALID",
      message: "Athena refused the query: Incorrect number of parameters: expected 1 but found 0",
    });
    server.use(http.post(ENDPOINT, () => athenaError("TooManyRequestsException", "Rate exceeded")));
    const error = await engine.query("SELECT 1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineRequestError);
    expect((error as Error).message).toBe("Athena StartQueryExecution failed: TooManyRequestsException: Rate exceeded");
  });

  it("query() runs only read-only statements; execute() runs DDL", async () => {
    const { athena, engine } = setup();
    await expect(engine.query("DROP TABLE events")).rejects.toMatchObject({ code: "SQL_NOT_ALLOWED" });
    expect(athena.calls).toEqual([]);
    await engine.execute("CREATE DATABASE IF NOT EXISTS shop_analytics");
    expect(athena.operations()[0]).toBe("StartQueryExecution");
    expect(isReadOnlyStatement("-- why\n/* c */ (SELECT 1)")).toBe(true);
    expect(isReadOnlyStatement("with x as (select 1) select * from x")).toBe(true);
    expect(isReadOnlyStatement("INSERT INTO t SELECT 1")).toBe(false);
  });
});

describe("athenaCostUsd", () => {
  it("bills whole megabytes with a 10 MB minimum, priced per 2^40-byte terabyte", () => {
    expect(athenaCostUsd(0)).toBeCloseTo((10 * 5) / 1024 ** 2, 15);
    expect(athenaCostUsd(10 * MB + 1)).toBeCloseTo((11 * 5) / 1024 ** 2, 15);
    expect(athenaCostUsd(1024 ** 4)).toBe(5);
    expect(athenaCostUsd(1024 ** 4, { usdPerTb: 6.75, minimumMb: 10 })).toBe(6.75);
  });
});
