import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { viewQuery } from "../../src/ddl/athena.js";
import { renderAthenaDdl } from "../../src/ddl/index.js";
import { renderTrinoDdl } from "../../src/ddl/trino.js";
import { createLocalEngine, type LocalEngine } from "../../src/engine/local/local-engine.js";
import type { TrinoEngine } from "../../src/engine/trino/trino-engine.js";
import { questionCases, viewCases } from "../../src/fidelity/cases.js";
import { compareEngines, compareRows, type FidelityCase, type FidelityResult } from "../../src/fidelity/compare.js";
import { viewSources } from "../../src/sql-files.js";
import { tableFormat, tables } from "../../src/tables.js";
import {
  type LakeFile,
  session,
  writeEventPartitions,
  writeLakeFile,
  writeSessionPartition,
} from "../support/dataset.js";
import { syntheticRows } from "../support/lake-rows.js";
import { contractEventRows, lakeFixture, writeParquet } from "../support/parquet.js";
import { runSink, type SinkInput } from "../support/sink.js";
import { openTestLake, type TestLake } from "../support/stack.js";
import { openTestTrino, uniqueSchema } from "../support/trino.js";

const parquetTables = tables.filter((t) => tableFormat(t) === "parquet");

/** Records the real sink refuses: its dead letters (JSON lines) are the dead_letters table's rows. */
const refused: SinkInput[] = [
  { raw: "{oops", at: "2026-11-28T10:30:00.000Z" },
  { raw: null, at: "2026-11-28T10:31:00.000Z" },
  { raw: '{"v":1}', at: "2026-11-29T09:30:00.000Z" },
];

// The same Parquet files in the stack's S3 server, read by Trino in place and by the local engine (DuckDB)
// through its synced copy: every view and every named query must give the same rows on both.
const DAYS = { first: "2026-11-27", last: "2026-11-30" };
const rows = contractEventRows();
const order = (() => {
  const row = rows.find((r) => r.event_name === "Order Completed");
  if (!row) throw new Error("the contract fixtures have no Order Completed row");
  return row;
})();

let lake: TestLake;
let dir: string;
let local: LocalEngine;
let trino: TrinoEngine;
let admin: TrinoEngine;
let stack: Awaited<ReturnType<typeof openTestTrino>>;
const schema = uniqueSchema("fidelity");
const verbatimSchema = uniqueSchema("fidelity_verbatim");
const timings: Record<string, number> = {};

const lakeRoot = () => `s3://${lake.config.bucket}/${lake.prefix.replace(/\/$/, "")}`;

async function writeFixtureLake(src: string): Promise<LakeFile[]> {
  const files: LakeFile[] = [
    // Every storage column, as the sink writes it (naive millisecond timestamps) ...
    ...(await writeEventPartitions(src, rows, "batch-1")),
    // ... the contract's lake fixture: the same events delivered several times (the dedup rule decides) ...
    ...(await writeEventPartitions(src, lakeFixture().copies, "batch-2")),
    // ... and a redelivery written with UTC-adjusted timestamps, the other Parquet flavour.
    ...(await writeEventPartitions(src, [{ ...order, received_at: "2026-11-28T10:07:00.000Z" }], "batch-3", {
      timestamps: "utc-adjusted",
    })),
    await writeSessionPartition(src, "2026-11-28", [
      session("s1", "2026-11-28T10:00:00.000Z", { orders: 1, revenue: 179.8, cart_adds: 2, channel: "paid_search" }),
      session("s2", "2026-11-28T11:00:00.000Z", { is_bounce: true, is_new_visitor: true }),
    ]),
    await writeSessionPartition(src, "2026-11-29", [session("s3", "2026-11-29T00:00:00.000Z")]),
  ];
  // The tables no fixture covers yet get rows made from their declared columns: their DDL is tested too.
  for (const table of parquetTables.filter((t) => t.name !== "events" && t.name !== "sessions")) {
    files.push(
      await writeLakeFile(src, `${table.name}/dt=2026-11-28/part-00000.parquet`, (path) =>
        writeParquet(path, table.columns, syntheticRows(table, 3, "2026-11-28")),
      ),
    );
  }
  return files;
}

const timed = async <T>(label: string, task: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  try {
    return await task();
  } finally {
    timings[label] = Math.round(performance.now() - started);
  }
};

const explain = (results: readonly FidelityResult[]) =>
  results.filter((r) => !r.equal).map((r) => `${r.name}:\n  ${r.differences.join("\n  ")}`);

beforeAll(async () => {
  stack = await openTestTrino();
  lake = await openTestLake();
  dir = mkdtempSync(join(tmpdir(), "shop-query-trino-"));
  const files = await timed("write + upload the fixture lake", async () => {
    const written = await writeFixtureLake(join(dir, "src"));
    for (const file of written) await lake.put(file.key, readFileSync(file.path));
    for (const [key, body] of await runSink([refused])) {
      if (!key.startsWith("dead-letter/")) throw new Error(`the sink wrote ${key} for refused records`);
      await lake.put(key, body);
      written.push({ key, path: "" });
    }
    return written;
  });
  expect(files.length).toBeGreaterThan(5);
  local = await timed("local engine: sync + bind", () =>
    createLocalEngine({ s3: lake.s3, bucket: lake.config.bucket, prefix: lake.prefix, cacheDir: join(dir, "cache") }),
  );
  admin = stack.engine();
  await timed("trino: create schema, tables, views", async () => {
    const athenaDdl = renderAthenaDdl({ database: schema, root: lakeRoot() });
    const statements = renderTrinoDdl(athenaDdl, {
      database: schema,
      // Athena's 2024-01-01,NOW would make every unfiltered scan list ~1,000 days × 24 hours (see README).
      projectionRanges: { dt: `${DAYS.first},${DAYS.last}` },
    });
    // As on Athena, with the database as the context: the views name their tables unqualified.
    trino = stack.engine(schema);
    for (const statement of statements) await trino.execute(statement.sql);
  });
});

afterAll(async () => {
  for (const name of [schema, verbatimSchema]) {
    await admin?.execute(`DROP SCHEMA IF EXISTS hive."${name}" CASCADE`).catch((error: Error) => {
      console.warn(`could not drop schema ${name}: ${error.message}`);
    });
  }
  await local?.close();
  await lake?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
  console.info(`trino fidelity timings (ms): ${JSON.stringify(timings)}`);
});

describe("tables: the same Parquet files read the same on Trino and DuckDB", () => {
  it("declares every column with the Trino type of its contract type", async () => {
    const columns = await trino.query<{ Column: string; Type: string }>("DESCRIBE events");
    const typeOf = Object.fromEntries(columns.map((c) => [c.Column, c.Type]));
    expect(typeOf).toMatchObject({
      event_id: "varchar",
      session_seq: "integer",
      event_ts: "timestamp(3)",
      revenue: "double",
      is_bot: "boolean",
      dt: "varchar",
      hour: "integer",
    });
  });

  it.each(tables.map((t) => t.name))("%s: every row and column round-trips", async (name) => {
    const [result] = await compareEngines([{ name, sql: `SELECT * FROM ${name}` }], { expected: local, actual: trino });
    expect(result?.expected.length, `${name} has rows in the fixture lake`).toBeGreaterThan(0);
    expect(explain(result ? [result] : [])).toEqual([]);
  });

  it("reads UTC-adjusted and naive Parquet timestamps as the same UTC instant, to the millisecond", async () => {
    const sql = "SELECT event_ts, received_at FROM events WHERE event_name = ? ORDER BY received_at";
    const onTrino = await trino.query(sql, ["Order Completed"]);
    expect(onTrino).toContainEqual({ event_ts: "2026-11-28T10:05:00.000Z", received_at: "2026-11-28T10:07:00.000Z" });
    expect(compareRows(await local.query(sql, ["Order Completed"]), onTrino, true)).toEqual([]);
  });
});

describe("views and named queries give the same results", () => {
  it("runs every view of sql/views on both engines", async () => {
    const cases = viewCases();
    expect(cases.map((c) => c.name)).toEqual(viewSources().map((v) => `view ${v.name}`));
    const results = await timed("views on both engines", () =>
      compareEngines(cases, { expected: local, actual: trino }),
    );
    for (const result of results) expect(result.expected.length, `${result.name} returns rows`).toBeGreaterThan(0);
    expect(explain(results)).toEqual([]);
  });

  it("binds ? parameters the same way", async () => {
    const cases: FidelityCase[] = [
      {
        name: "filter by a string, an integer and a double",
        sql: "SELECT event_name, count(*) AS n, sum(revenue) AS revenue FROM unique_events WHERE currency = ? AND hour >= ? AND coalesce(revenue, 0) > ? GROUP BY event_name",
        params: ["BRL", 10, 0.5],
      },
      {
        name: "a quote inside a string parameter",
        sql: "SELECT count(*) AS n FROM events WHERE event_name = ?",
        params: ["it's"],
      },
      { name: "null and boolean parameters", sql: "SELECT ? IS NULL AS a, ? AS b", params: [null, true] },
    ];
    expect(explain(await compareEngines(cases, { expected: local, actual: trino }))).toEqual([]);
  });

  it("runs every named question of the catalogue: its Athena form on Trino, its translated form on DuckDB", async () => {
    // "Today" just after the fixture's last day, so the questions' default date ranges cover it.
    const cases = questionCases(new Date(`${DAYS.last}T23:00:00.000Z`));
    expect(cases.length).toBeGreaterThan(10);
    const results = await timed("catalogue on both engines", () =>
      compareEngines(cases, { expected: local, actual: trino }),
    );
    expect(explain(results)).toEqual([]);
  });
});

describe("the comparison can fail", () => {
  it("reports integer division, which Trino and DuckDB do differently (7/2 is 3 vs 3.5)", async () => {
    const [result] = await compareEngines([{ name: "7/2", sql: "SELECT 7/2 AS x" }], {
      expected: local,
      actual: trino,
    });
    expect(result?.equal).toBe(false);
    expect(result?.differences.join("\n")).toContain('{"x":3.5} vs {"x":3}');
  });

  it("reports a funnel that skipped the dedup view (it counts redelivered events twice)", async () => {
    const funnel = viewSources().find((v) => v.name === "daily_funnel");
    if (!funnel) throw new Error("no daily_funnel view");
    const withoutDedup = viewQuery(funnel).replace(/\bunique_events\b/g, "events");
    expect(withoutDedup).not.toBe(viewQuery(funnel));
    const differences = compareRows(
      await local.query("SELECT * FROM daily_funnel"),
      await trino.query(withoutDedup),
      false,
    );
    expect(differences.length).toBeGreaterThan(0);
  });
});

describe("the generated DDL as Athena gets it", () => {
  it("creates the events table with Athena's own projection range (2024-01-01,NOW) and prunes by dt", async () => {
    const statements = renderTrinoDdl(
      renderAthenaDdl({ database: verbatimSchema, root: lakeRoot() }).filter((s) => s.name === "events"),
      { database: verbatimSchema },
    );
    for (const statement of statements) await stack.engine(verbatimSchema).execute(statement.sql);
    const [ddl] = await admin.query<{ "Create Table": string }>(`SHOW CREATE TABLE hive."${verbatimSchema}".events`);
    expect(ddl?.["Create Table"]).toContain("partition_projection_range = ARRAY['2024-01-01','NOW']");
    const sql = "SELECT dt, hour, count(*) AS n FROM events WHERE dt = ? GROUP BY dt, hour";
    const onTrino = await timed("verbatim projection, one day", () =>
      admin.query(sql.replace("FROM events", `FROM hive."${verbatimSchema}".events`), ["2026-11-28"]),
    );
    expect(onTrino.length).toBeGreaterThan(0);
    expect(compareRows(await local.query(sql, ["2026-11-28"]), onTrino, false)).toEqual([]);
  });
});
