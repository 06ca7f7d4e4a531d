import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { type StorageRow, storageColumns } from "@shop/event-schema";
import * as parquet from "parquet-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StorageRowBatch } from "../../src/columnar/storage-row-batch.js";
import { planBatch } from "../../src/core/batch-plan.js";
import { createRecordDecoder } from "../../src/core/decode.js";
import { createRecordScanner } from "../../src/core/record-scanner.js";
import { decodeParquet, encodeParquet } from "../../src/parquet/encode.js";
import { encodeSinkFile, STATISTICS_COLUMNS } from "../../src/parquet/sink-file.js";
import { expectedFixtureRows } from "../support/contract-fixtures.js";
import { generateEvents, mskBatches, prng } from "../support/generated-events.js";

/**
 * The sink's own Parquet writer against two independent readers (DuckDB; arrow-rs through
 * parquet-wasm) and against parquet-wasm's writer on the same rows: every value, type, null and
 * statistic must agree. (Spark reads the sink's files in the Spark integration test.)
 */

/** Generated events through the fast path, plus rows that stress nulls, booleans, non-ASCII and long values. */
function stressRows(): StorageRow[] {
  const random = prng(7);
  const base = expectedFixtureRows[0] as StorageRow;
  const rows: StorageRow[] = [];
  for (let i = 0; i < 700; i++) {
    const row: Record<string, unknown> = { ...base, event_id: `stress-${i}` };
    for (const column of storageColumns) {
      if (!column.nullable) continue;
      if (random() < 0.3) row[column.name] = null;
    }
    row.is_bot = random() < 0.2 ? null : random() < 0.5;
    row.page_title = i % 3 === 0 ? "Café ☕ – 日本" : i % 3 === 1 ? "" : "x".repeat(Math.floor(random() * 300));
    row.revenue = random() < 0.3 ? null : Math.round((random() - 0.3) * 1e6) / 100;
    row.quantity = random() < 0.3 ? null : Math.floor(random() * 20) - 5;
    row.currency = random() < 0.3 ? null : (["BRL", "USD", "EUR", "JPY"][Math.floor(random() * 4)] as string);
    row.event_ts = Date.UTC(2026, 10, 28) + Math.floor((random() - 0.5) * 1e12);
    rows.push(row as unknown as StorageRow);
  }
  return rows;
}

function scannedBatches(): StorageRowBatch[] {
  const [event] = mskBatches(generateEvents(2_000, "sinkfile"), 2_000);
  if (!event) throw new Error("no batch");
  const plans = planBatch(event, {
    decode: createRecordDecoder(),
    scanner: createRecordScanner(),
    prefix: "t",
    partitioning: { lateEventBoundMs: 7 * 86_400_000, futureEventBoundMs: 15 * 60_000 },
  });
  return plans.flatMap((plan) => plan.objects.flatMap((object) => (object.kind === "data" ? [object.rows] : [])));
}

let dir: string;
let instance: DuckDBInstance;
const sql = async (query: string) => {
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(query)).getRowObjectsJS();
  } finally {
    connection.closeSync();
  }
};
let fileCount = 0;
const file = (bytes: Uint8Array) => {
  const path = join(dir, `f${fileCount++}.parquet`);
  writeFileSync(path, bytes);
  return path;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sink-file-"));
  instance = await DuckDBInstance.create(":memory:");
});
afterAll(() => {
  instance?.closeSync();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Both files hold the same multiset of rows (EXCEPT ALL both ways, and equal counts). */
async function expectSameRows(ours: string, reference: string) {
  const [counts] = await sql(
    `SELECT (SELECT count(*) FROM '${ours}') AS a, (SELECT count(*) FROM '${reference}') AS b`,
  );
  expect(counts?.a).toBe(counts?.b);
  const [diff] = await sql(
    `SELECT (SELECT count(*) FROM (FROM '${ours}' EXCEPT ALL FROM '${reference}')) AS extra,
            (SELECT count(*) FROM (FROM '${reference}' EXCEPT ALL FROM '${ours}')) AS missing`,
  );
  expect(diff).toEqual({ extra: 0n, missing: 0n });
}

describe("encodeSinkFile", () => {
  const cases: Array<[string, () => StorageRowBatch, number | undefined]> = [
    ["scanned events", () => scannedBatches()[0] as StorageRowBatch, undefined],
    ["rows with nulls, booleans, non-ASCII and long strings", () => StorageRowBatch.fromRows(stressRows()), undefined],
    // ~1 KB pages: most columns span many pages, cut at row multiples of 8.
    ["the same rows in many small pages", () => StorageRowBatch.fromRows(stressRows()), 1_000],
  ];

  it.each(cases)(
    "%s: DuckDB reads what parquet-wasm's writer wrote for the same rows",
    async (_, batchOf, pageBytes) => {
      const batch = batchOf();
      const reference = encodeParquet(batch.toRows(), { layout: "compacted" });
      const ours = encodeSinkFile(batch, pageBytes ? { pageBytes } : {});
      await expectSameRows(file(ours), file(reference));
    },
  );

  it.each(cases)("%s: arrow-rs (parquet-wasm) reads the rows back exactly", (_, batchOf, pageBytes) => {
    const batch = batchOf();
    const rows = batch.toRows();
    const back = decodeParquet(encodeSinkFile(batch, pageBytes ? { pageBytes } : {}))
      .toArray()
      .map((row) => ({ ...row.toJSON() }));
    expect(back).toEqual(rows);
  });

  it("cuts pages at the size asked for: more pages, the same rows", async () => {
    const batch = StorageRowBatch.fromRows(stressRows());
    const onePage = encodeSinkFile(batch);
    const smallPages = encodeSinkFile(batch, { pageBytes: 1_000 });
    const metadata = (await parquet.ParquetFile.fromFile(new Blob([smallPages]))).metadata();
    const pageTitle = metadata
      .rowGroup(0)
      .columns()
      .find((c) => c.columnPath().join(".") === "page_title");
    // Page headers add bytes; one header per page, so the small-page file is larger.
    expect(smallPages.byteLength).toBeGreaterThan(onePage.byteLength);
    expect(pageTitle?.numValues()).toBe(700);
  });

  it("writes exact min/max and null counts on the statistics columns, and none elsewhere", async () => {
    const path = file(encodeSinkFile(StorageRowBatch.fromRows(stressRows())));
    const stats = await sql(
      `SELECT path_in_schema AS name, stats_min_value AS min, stats_max_value AS max, stats_null_count AS nulls
       FROM parquet_metadata('${path}')`,
    );
    expect(stats.filter((s) => s.min !== null).map((s) => s.name)).toEqual(
      storageColumns.filter((c) => STATISTICS_COLUMNS.has(c.name)).map((c) => c.name),
    );
    for (const name of ["event_ts", "event_name", "revenue", "is_bot", "quantity", "currency", "session_seq"]) {
      const [truth] = await sql(
        `SELECT CAST(min(${name}) AS VARCHAR) AS min, CAST(max(${name}) AS VARCHAR) AS max,
                count(*) - count(${name}) AS nulls FROM '${path}'`,
      );
      const stat = stats.find((s) => s.name === name);
      expect({ name, min: stat?.min, max: stat?.max, nulls: BigInt(String(stat?.nulls)) }).toEqual({
        name,
        ...truth,
      });
    }
  });

  it("writes a valid file for a batch with no rows", async () => {
    const path = file(encodeSinkFile(new StorageRowBatch()));
    expect(await sql(`SELECT count(*) AS n FROM '${path}'`)).toEqual([{ n: 0n }]);
    const described = await sql(`DESCRIBE SELECT * FROM '${path}'`);
    expect(described.map((c) => c.column_name)).toEqual(storageColumns.map((c) => c.name));
  });

  it("refuses a null in a required column instead of writing a file readers reject", () => {
    const row = { ...(expectedFixtureRows[0] as StorageRow), event_type: null } as unknown as StorageRow;
    expect(() => encodeSinkFile(StorageRowBatch.fromRows([row]))).toThrow(/event_type is required/);
  });

  it("gives the same bytes for the same rows, however they arrived", () => {
    const [batch] = scannedBatches();
    if (!batch) throw new Error("no batch");
    const rows = batch.toRows();
    expect(Buffer.from(encodeSinkFile(batch)).equals(Buffer.from(encodeSinkFile(StorageRowBatch.fromRows(rows))))).toBe(
      true,
    );
  });
});
