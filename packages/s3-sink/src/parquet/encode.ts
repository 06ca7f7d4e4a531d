import { type StorageRow, storageColumns } from "@shop/event-schema";
import { makeData, RecordBatch, Struct, Table, tableFromIPC, tableToIPC } from "apache-arrow";
import * as parquet from "parquet-wasm";
import { storageArrowSchema } from "./arrow-schema.js";
import { columnData } from "./column-data.js";

export const PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet";

export interface ParquetEncodeOptions {
  /**
   * Rows per row group. Engines split work by row group; one per file is right for the sizes a
   * sink batch produces, and compaction (which writes bigger files) can lower it.
   * @default 1_000_000
   */
  readonly maxRowGroupSize?: number;
}

const schema = storageArrowSchema();
/** Whole JSON documents: nobody filters on their min/max, which would only copy long strings into the footer. */
const unprunableColumns = storageColumns.filter((c) => c.name.endsWith("_json")).map((c) => c.name);
const structType = new Struct(schema.fields);

/** Storage rows as one Arrow record batch, typed by the contract's schema (not inferred from values). */
export function rowsToArrowTable(rows: readonly StorageRow[]): Table {
  const children = schema.fields.map((field, index) => {
    const name = field.name as keyof StorageRow;
    const values = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) values[i] = (rows[i] as StorageRow)[name];
    // storageArrowSchema is built from storageColumns in order, so the index names the contract column.
    return columnData((storageColumns[index] as (typeof storageColumns)[number]).type, field.type, values);
  });
  const data = makeData({ type: structType, length: rows.length, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

/**
 * Rows → Parquet bytes (ZSTD). Pure and deterministic: the same rows in the same order give the
 * same bytes, so a retried batch rewrites an identical object.
 */
export function encodeParquet(rows: readonly StorageRow[], options: ParquetEncodeOptions = {}): Uint8Array {
  const ipc = tableToIPC(rowsToArrowTable(rows), "stream");
  // writeParquet takes ownership of the wasm table and the properties and frees them.
  const wasmTable = parquet.Table.fromIPCStream(ipc);
  let builder = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.ZSTD)
    .setMaxRowGroupSize(options.maxRowGroupSize ?? 1_000_000)
    // Min/max per column chunk is what engines prune row groups with; per-page copies only grow the file.
    .setStatisticsEnabled(parquet.EnabledStatistics.Chunk);
  for (const name of unprunableColumns)
    builder = builder.setColumnStatisticsEnabled(name, parquet.EnabledStatistics.None);
  const properties = builder.build();
  return parquet.writeParquet(wasmTable, properties);
}

/** Parquet bytes → Arrow table; the read side of encodeParquet, for tests, compaction and tools. */
export function decodeParquet(bytes: Uint8Array): Table {
  return tableFromIPC(parquet.readParquet(bytes).intoIPCStream());
}
