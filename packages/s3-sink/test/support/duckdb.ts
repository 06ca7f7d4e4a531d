import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { storageColumns } from "@shop/event-schema";

/**
 * DuckDB as an independent Parquet reader: what it sees is close to what Athena and Spark will see,
 * which parquet-wasm reading back its own output cannot show.
 */
export async function withParquetFile<T>(bytes: Uint8Array, use: (sql: SqlRunner, path: string) => Promise<T>) {
  const dir = mkdtempSync(join(tmpdir(), "s3-sink-"));
  const path = join(dir, "file.parquet");
  writeFileSync(path, bytes);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    return await use(async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS(), path);
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

export type SqlRunner = (sql: string) => Promise<Record<string, unknown>[]>;

/** Every storage column, timestamps as epoch ms numbers, so rows compare with StorageRow values. */
export const storageRowSelect = (from: string) =>
  `SELECT ${storageColumns
    .map((c) => (c.type === "timestamp_ms" ? `CAST(epoch_ms(${c.name}) AS DOUBLE) AS ${c.name}` : c.name))
    .join(", ")} FROM ${from}`;
