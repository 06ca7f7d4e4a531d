import type { StorageRow } from "@shop/event-schema";
import { makeData, RecordBatch, Struct, Table, tableFromIPC, tableToIPC } from "apache-arrow";
import * as parquet from "parquet-wasm";
import { contractLayout, type StorageLayout } from "../columnar/layout.js";
import { type StorageColumn, StorageRowBatch } from "../columnar/storage-row-batch.js";
import { storageArrowSchema } from "./arrow-schema.js";
import { columnData } from "./column-data.js";
import { encodeSinkFile } from "./sink-file.js";

export { PARQUET_CONTENT_TYPE } from "./sink-file.js";

/**
 * Two kinds of files, measured on bench rows (README, "Encoding"):
 * - "sink": written once per batch, on the hot path, and soon compacted, by the sink's own writer
 *   (sink-file.ts). No dictionary encoding: under ZSTD it saved nothing (37.0 vs 37.4 bytes per event).
 * - "compacted": written once per hour partition and read many times, by parquet-wasm: dictionaries
 *   on the columns whose values repeat, so engines filter and group them without decoding every string.
 * Both keep min/max statistics on the columns engines prune with (time, type, name, small codes);
 * on free text and ids they prune nothing and copy long strings into the footer.
 */
export type ParquetLayout = "sink" | "compacted";

export interface ParquetEncodeOptions {
  /** @default "sink" */
  readonly layout?: ParquetLayout;
  /**
   * Rows per row group, for the compacted layout (a sink file is always one row group: right for the
   * sizes a batch produces). Engines split work by row group.
   * @default 1_000_000
   */
  readonly maxRowGroupSize?: number;
  /** Extra key-value metadata for the file footer (compaction records its inputs there). */
  readonly metadata?: ReadonlyMap<string, string>;
}

const contractSchema = storageArrowSchema();

/**
 * The writer properties for storage rows; built per file because writeParquet consumes them.
 * Everything that decides the bytes is here, so the same rows always give the same file.
 */
export function storageWriterProperties(
  options: ParquetEncodeOptions = {},
  layout: StorageLayout = contractLayout,
): parquet.WriterProperties {
  let builder = new parquet.WriterPropertiesBuilder()
    .setCompression(parquet.Compression.ZSTD)
    .setMaxRowGroupSize(options.maxRowGroupSize ?? 1_000_000)
    .setDictionaryEnabled(false)
    .setStatisticsEnabled(parquet.EnabledStatistics.None);
  const dictionaries = (options.layout ?? "sink") === "compacted";
  for (const { name } of layout.columns) {
    if (dictionaries && layout.dictionary.has(name)) builder = builder.setColumnDictionaryEnabled(name, true);
    if (layout.statistics.has(name))
      builder = builder.setColumnStatisticsEnabled(name, parquet.EnabledStatistics.Chunk);
  }
  if (options.metadata && options.metadata.size > 0) builder = builder.setKeyValueMetadata(new Map(options.metadata));
  return builder.build();
}

/** A batch's columns as one Arrow record batch, typed by its layout's schema (not inferred from values). */
export function storageBatchToArrowTable(batch: StorageRowBatch): Table {
  const schema = batch.layout === contractLayout ? contractSchema : storageArrowSchema(batch.layout.columns);
  const structType = new Struct(schema.fields);
  const columns = batch.columns();
  const children = schema.fields.map((field, index) =>
    columnData(field.type, columns[index] as StorageColumn, batch.length),
  );
  const data = makeData({ type: structType, length: batch.length, nullCount: 0, children });
  return new Table(schema, [new RecordBatch(schema, data)]);
}

/**
 * Rows → Parquet bytes (ZSTD): the sink layout through the sink's writer, the compacted one through
 * parquet-wasm. Pure and deterministic: the same rows in the same order give the same bytes, so a
 * retried batch rewrites an identical object.
 */
export function encodeParquet(
  rows: StorageRowBatch | readonly StorageRow[],
  options: ParquetEncodeOptions = {},
): Uint8Array {
  const batch = rows instanceof StorageRowBatch ? rows : StorageRowBatch.fromRows(rows);
  if ((options.layout ?? "sink") === "sink")
    return encodeSinkFile(batch, options.metadata ? { metadata: options.metadata } : {});
  const ipc = tableToIPC(storageBatchToArrowTable(batch), "stream");
  // writeParquet takes ownership of the wasm table and the properties and frees them.
  return parquet.writeParquet(parquet.Table.fromIPCStream(ipc), storageWriterProperties(options, batch.layout));
}

/** Parquet bytes → Arrow table; the read side of encodeParquet, for tests, compaction and tools. */
export function decodeParquet(bytes: Uint8Array): Table {
  return tableFromIPC(parquet.readParquet(bytes).intoIPCStream());
}
