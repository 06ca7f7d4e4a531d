import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { STORAGE_SCHEMA_VERSION, type StorageRow, storageColumns, storageMapping } from "@shop/event-schema";
import { openDuckDbEngine } from "@shop/query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeParquet } from "../../src/parquet/encode.js";
import { expectedFixtureRows, v1SinkFilePath } from "../support/contract-fixtures.js";
import { storageRowSelect } from "../support/duckdb.js";
import { encodeWithNewColumn, NEW_COLUMN } from "../support/evolved-file.js";

/**
 * Schema evolution: files written before a contract gained a new optional property and files written
 * after it sit in the same partition. Readers must take both together; old files give NULL for the
 * new column; and readers that do not know the new column yet keep reading both.
 */
const oldRows: StorageRow[] = expectedFixtureRows.map((r, i) => ({ ...r, event_id: `old-${i}` }));
const newRows: StorageRow[] = expectedFixtureRows.map((r, i) => ({ ...r, event_id: `new-${i}` }));
const tiers = newRows.map((_, i) => (i % 2 === 0 ? `tier-${i}` : null));

let dataDir: string;
let oldPath: string;
let newPath: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "s3-sink-evolution-"));
  const folder = join(dataDir, "events", "dt=2026-11-28", "hour=10");
  mkdirSync(folder, { recursive: true });
  oldPath = join(folder, "events.raw+0+00000000000000000000+00000000000000000009.zstd.parquet");
  newPath = join(folder, "events.raw+0+00000000000000000010+00000000000000000019.zstd.parquet");
  writeFileSync(oldPath, encodeParquet(oldRows));
  writeFileSync(newPath, encodeWithNewColumn(newRows, tiers));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("a new optional column next to old files", () => {
  it("DuckDB reads both together by name; old files give NULL for the new column", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const sql = async (text: string) => (await connection.runAndReadAll(text)).getRowObjectsJS();
    try {
      const from = `read_parquet(['${oldPath}', '${newPath}'], union_by_name = true, hive_partitioning = false)`;
      const described = await sql(`DESCRIBE SELECT * FROM ${from}`);
      expect(described.map((c) => c.column_name)).toEqual([...storageColumns.map((c) => c.name), NEW_COLUMN]);
      expect(described.at(-1)?.column_type).toBe("VARCHAR");

      const tiersRead = await sql(`SELECT event_id, ${NEW_COLUMN} AS tier FROM ${from} ORDER BY event_id`);
      expect(tiersRead).toEqual(
        [
          ...newRows.map((r, i) => ({ event_id: r.event_id, tier: tiers[i] })),
          ...oldRows.map((r) => ({ event_id: r.event_id, tier: null })),
        ].sort((a, b) => (a.event_id < b.event_id ? -1 : 1)),
      );

      // Every contract column keeps its values in both kinds of file.
      const rows = await sql(`${storageRowSelect(from)} ORDER BY event_id`);
      const expected = [...oldRows, ...newRows].sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
      expect(rows).toEqual(expected);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it("the query package's local engine reads both files as one events table", async () => {
    const engine = await openDuckDbEngine({ dataDir });
    try {
      await engine.bindTables({ events: [oldPath, newPath], sessions: [] });
      const rows = await engine.query<{ event_id: string; revenue: number | null; dt: string; hour: number }>(
        "SELECT event_id, revenue, dt, hour FROM events ORDER BY event_id",
      );
      expect(rows).toHaveLength(oldRows.length + newRows.length);
      expect(new Set(rows.map((r) => r.dt))).toEqual(new Set(["2026-11-28"]));
      expect(new Set(rows.map((r) => r.hour))).toEqual(new Set([10]));
      const revenue = (list: readonly StorageRow[]) => list.reduce((n, r) => n + (r.revenue ?? 0), 0);
      expect(rows.reduce((n, r) => n + (r.revenue ?? 0), 0)).toBeCloseTo(revenue(oldRows) + revenue(newRows), 6);
      // Its table follows the current contract: the new column shows up once the contract declares it.
      await expect(engine.query(`SELECT ${NEW_COLUMN} FROM events`)).rejects.toThrow(NEW_COLUMN);
    } finally {
      await engine.close();
    }
  });
});

describe("a file the sink of schema version 1 wrote, next to today's files", () => {
  // The columns schema version 2 appended (after schema_version, the last column of version 1).
  const v2Columns = storageColumns.slice(storageMapping.findIndex((c) => c.name === "schema_version") + 1);

  it("the local engine reads it with today's schema: the new columns are NULL, the old ones keep their values", async () => {
    const v1Path = join(
      dataDir,
      "events",
      "dt=2026-11-28",
      "hour=10",
      "events.raw+1+00000000000000000000+00000000000000000004.zstd.parquet",
    );
    copyFileSync(v1SinkFilePath, v1Path);
    const engine = await openDuckDbEngine({ dataDir });
    try {
      await engine.bindTables({ events: [v1Path, newPath], sessions: [] });
      const byVersion = await engine.query<Record<string, number>>(
        `SELECT schema_version, count(*) AS n, ${v2Columns.map((c) => `count(${c.name}) AS ${c.name}`).join(", ")} FROM events GROUP BY schema_version ORDER BY schema_version`,
      );
      expect(byVersion.map((r) => [r.schema_version, r.n])).toEqual([
        [1, 5],
        [STORAGE_SCHEMA_VERSION, newRows.length],
      ]);
      for (const column of v2Columns) expect(byVersion[0]?.[column.name], column.name).toBe(0);
      const [order] = await engine.query(
        "SELECT order_id, revenue, currency FROM events WHERE schema_version = 1 AND revenue IS NOT NULL",
      );
      expect(order).toEqual({ order_id: "order-1001", revenue: 179.8, currency: "BRL" });
    } finally {
      await engine.close();
    }
  });
});
