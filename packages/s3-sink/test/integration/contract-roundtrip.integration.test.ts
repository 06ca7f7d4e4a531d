import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  type CollectedEvent,
  type ColumnMapping,
  columnsOf,
  eventsLakeTable,
  type LakeTable,
  type StorageMapping,
  storageMapping,
} from "@shop/event-schema";
import { athenaSettings, athenaTableDdl, sparkPartitionColumns, sparkStructType } from "@shop/event-schema/generate";
import { fromContractTable, tableViewSql } from "@shop/query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storageLayout } from "../../src/columnar/layout.js";
import { PlanWorkspace } from "../../src/columnar/storage-row-batch.js";
import { planBatch } from "../../src/core/batch-plan.js";
import { createRecordDecoder } from "../../src/core/decode.js";
import { createRecordScanner } from "../../src/core/record-scanner.js";
import { encodeSinkFile } from "../../src/parquet/sink-file.js";
import { collectFixture, v1SinkFilePath, validWireFixtures } from "../support/contract-fixtures.js";
import { collectedRecord, mskEvent } from "../support/msk.js";
import { repoPath, runSparkScript } from "../support/spark.js";

/**
 * "A new column is a change in one place": a copy of the contract's storage mapping with three more
 * columns (and nothing else changed anywhere) must flow through every consumer, typed: the sink's
 * scanner and reference path, its Parquet writer (read back by DuckDB and Spark), the generated Spark
 * StructType and Athena DDL, and the query package's DuckDB view over the files.
 */

const added = [
  {
    name: "loyalty_tier",
    as: "upper_code",
    from: ["event.traits.loyalty_tier", "event.context.traits.loyalty_tier"],
    doc: "Loyalty tier (test-only column).",
  },
  {
    name: "loyalty_points",
    as: "int32",
    from: ["event.properties.loyalty_points"],
    doc: "Points earned (test-only).",
    when: { track: ["Order Completed"] },
  },
  { name: "first_order_at", as: "timestamp", from: ["event.traits.first_order_at"], doc: "First order (test-only)." },
] as const satisfies readonly ColumnMapping[];
const mapping: StorageMapping = [...storageMapping, ...added];
const layout = storageLayout(mapping);
const table: LakeTable = { ...eventsLakeTable, columns: columnsOf(mapping) };
const addedNames = added.map((c) => c.name);

/** The contract's fixtures, with the new fields on some of them. */
function collectedEvents(): CollectedEvent[] {
  return validWireFixtures.map((fixture, i) => {
    const collected = collectFixture(fixture);
    const event = collected.event as Record<string, unknown>;
    if (event.type === "identify")
      event.traits = { ...(event.traits as object), loyalty_tier: "gold", first_order_at: "2025-06-01T12:00:00.000Z" };
    if (event.event === "Order Completed") event.properties = { ...(event.properties as object), loyalty_points: 180 };
    if (event.event === "Product Viewed") event.properties = { ...(event.properties as object), loyalty_points: 5 }; // not an order: null
    if (i === 0) event.context = { ...(event.context as object), traits: { loyalty_tier: "silver" } };
    return collected;
  });
}

const expected: Record<string, Record<string, unknown>> = {};
let dir: string;
let files: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "contract-roundtrip-"));
  const events = collectedEvents();
  for (const collected of events) {
    const event = collected.event as Record<string, unknown>;
    expected[collected.event.messageId] = {
      loyalty_tier: event.type === "identify" ? "GOLD" : collected === events[0] ? "SILVER" : null,
      loyalty_points: event.event === "Order Completed" ? 180 : null,
      first_order_at: event.type === "identify" ? Date.parse("2025-06-01T12:00:00.000Z") : null,
    };
  }
  const scanner = createRecordScanner(layout);
  const decode = createRecordDecoder(layout);
  const msk = mskEvent(events.map((collected, offset) => collectedRecord("events.raw", 0, offset, collected)));
  const plans = planBatch(msk, {
    decode,
    scanner,
    prefix: "roundtrip",
    partitioning: { lateEventBoundMs: 3650 * 86_400_000, futureEventBoundMs: 3650 * 86_400_000 },
    workspace: new PlanWorkspace(layout),
  });
  files = [];
  for (const plan of plans) {
    for (const object of plan.objects) {
      if (object.kind !== "data") throw new Error(`dead letter: ${object.deadLetters[0]?.reason.message}`);
      const path = join(dir, "events", object.key.split("/events/")[1] ?? "x.parquet");
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, encodeSinkFile(object.rows));
      files.push(path);
    }
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a column added to a copy of the mapping reaches every consumer, typed", () => {
  it("the scanner takes the fast path and agrees with the reference path on the new columns", () => {
    const scanner = createRecordScanner(layout);
    const decode = createRecordDecoder(layout);
    for (const collected of collectedEvents()) {
      const text = Buffer.from(JSON.stringify(collected));
      expect(scanner.scan(text, 0, text.length)).toBe(true);
      const reference = decode(collectedRecord("t", 0, 0, collected));
      if (!reference.ok) throw new Error(reference.deadLetter.reason.message);
      const row = reference.row as unknown as Record<string, unknown>;
      expect(Object.fromEntries(addedNames.map((n) => [n, row[n]]))).toEqual(expected[collected.event.messageId]);
    }
  });

  it("DuckDB reads the sink's file with the new columns typed and filled", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      await connection.run("SET TimeZone = 'UTC'");
      const list = files.map((f) => `'${f}'`).join(", ");
      const described = (
        await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet([${list}])`)
      ).getRowObjectsJS();
      const types = Object.fromEntries(described.map((d) => [d.column_name, d.column_type]));
      expect(types).toMatchObject({
        loyalty_tier: "VARCHAR",
        loyalty_points: "INTEGER",
        first_order_at: "TIMESTAMP WITH TIME ZONE",
      });
      const rows = (
        await connection.runAndReadAll(
          `SELECT event_id, loyalty_tier, loyalty_points, epoch_ms(first_order_at)::DOUBLE AS first_order_at FROM read_parquet([${list}])`,
        )
      ).getRowObjectsJS();
      expect(Object.fromEntries(rows.map(({ event_id, ...rest }) => [event_id, rest]))).toEqual(expected);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it("the generated Spark StructType and Athena DDL declare them with the engines' types", () => {
    const fields = (sparkStructType(table).fields as Array<{ name: string; type: string; nullable: boolean }>).slice(
      -3,
    );
    expect(fields.map(({ name, type, nullable }) => ({ name, type, nullable }))).toEqual([
      { name: "loyalty_tier", type: "string", nullable: true },
      { name: "loyalty_points", type: "integer", nullable: true },
      { name: "first_order_at", type: "timestamp", nullable: true },
    ]);
    const ddl = athenaTableDdl(table, athenaSettings.events);
    expect(ddl).toContain("`loyalty_tier` string COMMENT 'Loyalty tier (test-only column).'");
    expect(ddl).toContain("`loyalty_points` int COMMENT");
    expect(ddl).toContain("`first_order_at` timestamp COMMENT");
  });

  it("the query package's DuckDB view over the files reads them as Athena would", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      await connection.run("SET TimeZone = 'UTC'");
      await connection.run(
        tableViewSql(fromContractTable({ ...table, name: "events" }), files, new Set(table.columns.map((c) => c.name))),
      );
      const described = (await connection.runAndReadAll("DESCRIBE events")).getRowObjectsJS();
      const types = Object.fromEntries(described.map((d) => [d.column_name, d.column_type]));
      expect(types).toMatchObject({ loyalty_tier: "VARCHAR", loyalty_points: "INTEGER", first_order_at: "TIMESTAMP" });
      const [sums] = (
        await connection.runAndReadAll(
          "SELECT sum(loyalty_points)::INT AS points, count(loyalty_tier)::INT AS tiers, min(first_order_at)::VARCHAR AS first FROM events",
        )
      ).getRowObjectsJS();
      const tiers = Object.values(expected).filter((row) => row.loyalty_tier !== null).length;
      expect(tiers).toBeGreaterThan(1);
      expect(sums).toEqual({ points: 180, tiers, first: "2025-06-01 12:00:00" });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it("Spark reads the sink's file with the StructType generated from the mapping, and a schema-v1 file with today's", async () => {
    const schemaDir = join(dir, "schema");
    mkdirSync(schemaDir);
    writeFileSync(join(schemaDir, "events.json"), JSON.stringify(sparkStructType(table)));
    writeFileSync(join(schemaDir, "events.partitions.json"), JSON.stringify(sparkPartitionColumns(table)));
    const contractSchemaDir = repoPath("packages/event-schema/generated/spark");
    const v2Columns = ["checkout_value", "payment_status", "card_country", "account_created_at", "geo_country"];
    const reads = [
      { path: join(dir, "events"), schemaDir, columns: addedNames },
      { path: v1SinkFilePath, schemaDir: contractSchemaDir, columns: ["revenue", "schema_version", ...v2Columns] },
    ];
    type Read = { fields: Record<string, string>; rows: Array<Record<string, unknown>> };
    const [roundtrip, v1] = await runSparkScript<Read[]>("spark_roundtrip.py", [JSON.stringify(reads)]);
    expect(roundtrip?.fields).toMatchObject({
      loyalty_tier: "string",
      loyalty_points: "int",
      first_order_at: "timestamp",
    });
    expect(Object.fromEntries((roundtrip?.rows ?? []).map(({ event_id, ...rest }) => [event_id, rest]))).toEqual(
      expected,
    );
    // Old files stay readable: today's columns are null in them, yesterday's keep their values.
    expect(v1?.rows).toHaveLength(5);
    for (const row of v1?.rows ?? []) {
      expect(row.schema_version).toBe(1);
      for (const column of v2Columns) expect(row[column], column).toBeNull();
    }
    expect((v1?.rows ?? []).map((r) => r.revenue).filter((r) => r !== null)).toEqual([179.8]);
  }, 300_000);
});
