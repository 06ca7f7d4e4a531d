import {
  type Bool,
  type Data,
  type DataType,
  type Float64,
  type Int32,
  makeData,
  type TimestampMillisecond,
  type Utf8,
} from "apache-arrow";
import type { StorageColumn } from "../columnar/storage-row-batch.js";
import { setEpochMs } from "./int64.js";

/**
 * Arrow column data over a StorageRowBatch's gathered columns (for parquet-wasm: compaction and
 * tools). Strings, doubles and validity are used as they are; int32, boolean and timestamp buffers
 * are made once from the float64 values.
 */

/** 0/1 values as a bitmap. (The hot loops live in small functions of their own, so V8 optimizes them once.) */
function bitsOf(values: Float64Array): Uint8Array {
  const bits = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) if (values[i] === 1) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
  return bits;
}

/** Epoch ms as int64 values. */
function int64sOf(values: Float64Array): BigInt64Array {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  for (let i = 0; i < values.length; i++) setEpochMs(view, i * 8, values[i] as number);
  return new BigInt64Array(view.buffer);
}

/** One batch column as Arrow data of its Arrow type (from storageArrowSchema). */
export function columnData(type: DataType, column: StorageColumn, length: number): Data {
  const common = { length, nullCount: column.nullCount, nullBitmap: column.validity };
  switch (column.type) {
    case "string":
      return makeData({ ...common, type: type as Utf8, valueOffsets: column.offsets, data: column.bytes });
    case "int32":
      return makeData({ ...common, type: type as Int32, data: Int32Array.from(column.values) });
    case "double":
      return makeData({ ...common, type: type as Float64, data: column.values });
    case "boolean":
      return makeData({ ...common, type: type as Bool, data: bitsOf(column.values) });
    case "timestamp_ms":
      return makeData({ ...common, type: type as TimestampMillisecond, data: int64sOf(column.values) });
  }
}
