import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTrinoEngine, type TrinoEngine } from "../../src/engine/trino/trino-engine.js";
import { SqlError } from "../../src/errors.js";
import { closedLoopbackPort } from "../support/ports.js";
import { openTestTrino } from "../support/trino.js";

// The engine against the real server: the protocol loop, parameters, errors and the row contract.
let stack: Awaited<ReturnType<typeof openTestTrino>>;
let trino: TrinoEngine;

beforeAll(async () => {
  stack = await openTestTrino();
  trino = stack.engine();
});

afterAll(async () => {
  await trino?.close();
});

const sqlError = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SqlError);
  return error as SqlError;
};

describe("the row contract", () => {
  it("converts every scalar type the way the local engine does", async () => {
    const [row] = await trino.query(`SELECT
      BIGINT '9007199254740993' AS big, BIGINT '42' AS small_big, 7/2 AS int_division, DOUBLE '0.1' AS d,
      nan() AS not_a_number, REAL '1.5' AS r, DECIMAL '12.345' AS dec, DATE '2026-11-28' AS day,
      TIMESTAMP '2026-11-28 10:05:00.123456' AS ts, TIMESTAMP '2026-11-28 10:05:00 America/Sao_Paulo' AS tstz,
      X'0102' AS bin, ARRAY[1, 2] AS arr, MAP(ARRAY['a'], ARRAY[DOUBLE '1.5']) AS m,
      CAST(ROW(1, 'x') AS ROW(a integer, b varchar)) AS rw, true AS flag, CAST(NULL AS varchar) AS nothing,
      1 AS a, 2 AS a`);
    expect(row).toEqual({
      big: 9007199254740993n,
      small_big: 42,
      int_division: 3,
      d: 0.1,
      not_a_number: Number.NaN,
      r: 1.5,
      dec: 12.345,
      day: "2026-11-28",
      // Trino rounds to milliseconds for clients that do not ask for more precision.
      ts: "2026-11-28T10:05:00.123Z",
      tstz: "2026-11-28T13:05:00.000Z",
      bin: new Uint8Array([1, 2]),
      arr: [1, 2],
      m: { a: 1.5 },
      rw: { a: 1, b: "x" },
      flag: true,
      nothing: null,
      a: 1,
      "a:1": 2,
    });
  });

  it("reads every page of a result that spans many", async () => {
    // The real fetch, watched: how many of Trino's pages carried rows.
    let pagesWithRows = 0;
    const watched: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const body = (await response.clone().json()) as { data?: unknown[] };
      if (body.data && body.data.length > 0) pagesWithRows++;
      return response;
    };
    const engine = createTrinoEngine({ ...stack.config, fetch: watched });
    const rows = await engine.query<{ n: number }>(
      "SELECT (a - 1) * 5 + b AS n FROM UNNEST(sequence(1, 10000)) x(a) CROSS JOIN UNNEST(sequence(1, 5)) y(b)",
    );
    expect(rows).toHaveLength(50_000);
    expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe((50_000 * 50_001) / 2);
    expect(pagesWithRows).toBeGreaterThan(1);
  });

  it("returns an empty list, not an error, for no rows", async () => {
    expect(await trino.query("SELECT 1 AS x WHERE false")).toEqual([]);
  });
});

describe("parameters", () => {
  it("binds each parameter type as a literal of its type", async () => {
    const [row] = await trino.query(
      "SELECT typeof(?) AS s, typeof(?) AS i, typeof(?) AS big, typeof(?) AS d, typeof(?) AS b, ? AS quoted, ? AS n, ? AS huge",
      ["x", 1, 2 ** 40, 0.5, true, "it's '; DROP TABLE x; --", null, 2n ** 62n],
    );
    expect(row).toEqual({
      s: "varchar(1)",
      i: "integer",
      big: "bigint",
      d: "double",
      b: "boolean",
      quoted: "it's '; DROP TABLE x; --",
      n: null,
      huge: 2n ** 62n,
    });
  });

  it("rejects a parameter count that does not match the placeholders", async () => {
    const error = await sqlError(trino.query("SELECT ? AS a, ? AS b", [1]));
    expect(error.code).toBe("SQL_INVALID");
    expect(error.message).toMatch(/parameter/i);
  });
});

describe("errors", () => {
  it("gives Trino's own message for bad SQL, as SQL_INVALID", async () => {
    const error = await sqlError(trino.query("SELECT FROM WHERE"));
    expect(error.code).toBe("SQL_INVALID");
    expect(error.message).toMatch(/mismatched input|line 1:/);
  });

  it("reports a failure while running as SQL_FAILED", async () => {
    const error = await sqlError(trino.query("SELECT 1 / (count(*) - count(*)) AS x FROM UNNEST(ARRAY[1]) AS t(n)"));
    expect(error.code).toBe("SQL_FAILED");
    expect(error.message).toMatch(/Division by zero/i);
  });

  it("query() refuses statements that write, before sending them", async () => {
    for (const sql of [
      "CREATE SCHEMA hive.nope",
      "DROP TABLE x",
      "EXPLAIN ANALYZE SELECT 1",
      "INSERT INTO t VALUES (1)",
    ]) {
      expect((await sqlError(trino.query(sql))).code).toBe("SQL_NOT_ALLOWED");
    }
  });

  it("cancels a query that outruns its deadline, on the server too", async () => {
    const slow = createTrinoEngine({ ...stack.config, timeoutMs: 1500 });
    const error = await sqlError(
      slow.query(
        "SELECT count(*) AS n FROM UNNEST(sequence(1, 10000)) a(x) CROSS JOIN UNNEST(sequence(1, 10000)) b(y) CROSS JOIN UNNEST(sequence(1, 1000)) c(z)",
      ),
    );
    expect(error.message).toMatch(/ran longer than 1500 ms and was cancelled/);
    const { queryId } = error.cause as { queryId: string };
    let state: unknown;
    for (let i = 0; i < 50 && state !== "FAILED"; i++) {
      [{ state } = { state: undefined }] = await trino.query(
        "SELECT state FROM system.runtime.queries WHERE query_id = ?",
        [queryId],
      );
      if (state !== "FAILED") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(state).toBe("FAILED");
  });

  it("says where it tried when no Trino listens there", async () => {
    const port = await closedLoopbackPort();
    const nowhere = createTrinoEngine({ ...stack.config, url: `http://127.0.0.1:${port}` });
    const error = await sqlError(nowhere.query("SELECT 1"));
    expect(error.message).toContain(`Trino at http://127.0.0.1:${port} is not reachable`);
  });

  it("refuses queries after close()", async () => {
    const engine = stack.engine();
    await engine.close();
    await expect(engine.query("SELECT 1")).rejects.toMatchObject({ code: "ENGINE_CLOSED" });
  });
});
