import type { StorageRow } from "@shop/event-schema";
import { Field, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, Utf8, vectorFromArray } from "apache-arrow";
import * as parquet from "parquet-wasm";
import { StorageRowBatch } from "../../src/columnar/storage-row-batch.js";
import { storageArrowSchema } from "../../src/parquet/arrow-schema.js";
import { storageBatchToArrowTable, storageWriterProperties } from "../../src/parquet/encode.js";

/**
 * A file as a later sink would write it after the contract gained a new optional property: the
 * current columns (from the real column list, in order) with one nullable column appended, which is
 * how the contract says columns may evolve (storage/columns.ts: "append new columns at the end and
 * make them nullable").
 */
export const NEW_COLUMN = "loyalty_tier";

export function encodeWithNewColumn(rows: readonly StorageRow[], newValues: ReadonlyArray<string | null>): Uint8Array {
  const current = storageBatchToArrowTable(StorageRowBatch.fromRows(rows));
  const base = storageArrowSchema();
  const schema = new Schema([...base.fields, new Field(NEW_COLUMN, new Utf8(), true)], base.metadata);
  const extra = vectorFromArray([...newValues], new Utf8()).data[0];
  if (!extra) throw new Error("no data for the new column");
  const children = [...(current.batches[0]?.data.children ?? []), extra];
  const data = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  const table = new Table(schema, [new RecordBatch(schema, data)]);
  return parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, "stream")), storageWriterProperties());
}
