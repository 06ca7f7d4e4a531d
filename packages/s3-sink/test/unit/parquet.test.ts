import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { STORAGE_SCHEMA_VERSION, storageColumns } from "@shop/event-schema";
import * as parquet from "parquet-wasm";
import { describe, expect, it } from "vitest";
import { STORAGE_SCHEMA_VERSION_KEY, storageArrowSchema } from "../../src/parquet/arrow-schema.js";
import { decodeParquet, encodeParquet } from "../../src/parquet/encode.js";
import { expectedFixtureRows } from "../support/contract-fixtures.js";
import { storageRowSelect, withParquetFile } from "../support/duckdb.js";

const require = createRequire(import.meta.url);
const sparkSchema = JSON.parse(
  readFileSync(require.resolve("@shop/event-schema/generated/spark/events.json"), "utf8"),
) as { fields: Array<{ name: string; type: string; nullable: boolean }> };

const sparkTypeOfArrow: Record<string, string> = {
  Utf8: "string",
  Int32: "integer",
  Float64: "double",
  Bool: "boolean",
  "Timestamp<MILLISECOND, UTC>": "timestamp",
};

describe("storageArrowSchema", () => {
  const schema = storageArrowSchema();

  it("has the contract's columns in order, with their nullability", () => {
    expect(schema.fields.map((f) => [f.name, f.nullable])).toEqual(storageColumns.map((c) => [c.name, c.nullable]));
    expect(schema.metadata.get(STORAGE_SCHEMA_VERSION_KEY)).toBe(String(STORAGE_SCHEMA_VERSION));
  });

  it("agrees with the generated Spark schema, field by field", () => {
    expect(
      schema.fields.map((f) => ({ name: f.name, type: sparkTypeOfArrow[f.type.toString()], nullable: f.nullable })),
    ).toEqual(sparkSchema.fields.map(({ name, type, nullable }) => ({ name, type, nullable })));
  });
});

describe("encodeParquet", () => {
  const bytes = encodeParquet(expectedFixtureRows);

  it("reads back to exactly the contract fixtures' rows", () => {
    const table = decodeParquet(bytes);
    expect(table.numRows).toBe(expectedFixtureRows.length);
    const rows = table.toArray().map((row) => ({ ...row.toJSON() }));
    expect(rows).toEqual(expectedFixtureRows);
  });

  it("is byte-for-byte deterministic, so a retried batch rewrites an identical object", () => {
    expect(Buffer.from(encodeParquet(expectedFixtureRows)).equals(Buffer.from(bytes))).toBe(true);
  });

  it("compresses every column chunk with ZSTD", async () => {
    const file = await parquet.ParquetFile.fromFile(new Blob([bytes]));
    const metadata = file.metadata();
    const codecs = metadata.rowGroups().flatMap((rg) => rg.columns().map((c) => parquet.Compression[c.compression()]));
    expect(codecs).toHaveLength(storageColumns.length);
    expect(new Set(codecs)).toEqual(new Set(["ZSTD"]));
  });

  it("is read by DuckDB with the contract's types, nullability and values", async () => {
    await withParquetFile(bytes, async (sql, path) => {
      const physical = await sql(
        `SELECT name, repetition_type, logical_type FROM parquet_schema('${path}') WHERE name <> 'arrow_schema' AND num_children IS NULL`,
      );
      expect(physical.map((c) => [c.name, c.repetition_type])).toEqual(
        storageColumns.map((c) => [c.name, c.nullable ? "OPTIONAL" : "REQUIRED"]),
      );
      const eventTs = physical.find((c) => c.name === "event_ts");
      expect(String(eventTs?.logical_type)).toMatch(/isAdjustedToUTC=1/);

      const described = await sql(`DESCRIBE SELECT * FROM '${path}'`);
      const duckType = {
        string: "VARCHAR",
        int32: "INTEGER",
        double: "DOUBLE",
        boolean: "BOOLEAN",
        timestamp_ms: "TIMESTAMP WITH TIME ZONE",
      };
      expect(described.map((c) => [c.column_name, c.column_type])).toEqual(
        storageColumns.map((c) => [c.name, duckType[c.type]]),
      );

      expect(await sql(`${storageRowSelect(`'${path}'`)}`)).toEqual(expectedFixtureRows);
    });
  });
});

describe("column data", () => {
  it("keeps timestamps before 1970, far ahead, and with non-ASCII neighbours exact", () => {
    const base = expectedFixtureRows[0] as (typeof expectedFixtureRows)[number];
    const rows = [-1, 0, 1, 2 ** 32, -(2 ** 32) - 1, 253_402_300_799_999, -62_135_596_800_000].map((ms, i) => ({
      ...base,
      event_id: `ts-${i}`,
      event_ts: ms,
      page_title: i % 2 === 0 ? "Café ☕ – 日本" : "plain",
      event_name: null,
    }));
    const back = decodeParquet(encodeParquet(rows))
      .toArray()
      .map((r) => ({ ...r.toJSON() }));
    expect(back).toEqual(rows);
  });
});
