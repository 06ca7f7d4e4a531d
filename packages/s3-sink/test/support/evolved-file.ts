import { type StorageRow, storageMapping } from "@shop/event-schema";
import { storageLayout } from "../../src/columnar/layout.js";
import { StorageRowBatch } from "../../src/columnar/storage-row-batch.js";
import { encodeSinkFile } from "../../src/parquet/sink-file.js";

/**
 * A file as a later sink would write it after the contract gained a new optional column: the
 * contract's mapping with one nullable column appended, which is how the contract says columns may
 * evolve (storage/mapping.ts), written by the sink's own writer for that layout.
 */
export const NEW_COLUMN = "loyalty_tier";

const evolved = storageLayout([
  ...storageMapping,
  { name: NEW_COLUMN, as: "string", from: ["event.traits.loyalty_tier"], doc: "A column a later contract adds." },
]);

export function encodeWithNewColumn(rows: readonly StorageRow[], newValues: ReadonlyArray<string | null>): Uint8Array {
  return encodeSinkFile(
    StorageRowBatch.fromRows(
      rows.map((row, i) => ({ ...row, [NEW_COLUMN]: newValues[i] })),
      evolved,
    ),
  );
}
