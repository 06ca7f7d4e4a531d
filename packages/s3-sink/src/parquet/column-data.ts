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
import type { NumberColumn, StorageColumn, Utf8Column } from "../columnar/storage-row-batch.js";

/**
 * Arrow column data over a StorageRowBatch's finished columns. Strings, doubles and validity are
 * used as they are; int32, boolean and timestamp buffers are made once from the float64 values.
 */

function utf8Data(type: Utf8, column: Utf8Column, length: number): Data<Utf8> {
  return makeData({
    type,
    length,
    nullCount: column.nullCount,
    nullBitmap: column.validity,
    valueOffsets: column.offsets,
    data: column.bytes,
  });
}

function int32Data(type: Int32, column: NumberColumn, length: number): Data<Int32> {
  return makeData({
    type,
    length,
    nullCount: column.nullCount,
    nullBitmap: column.validity,
    data: Int32Array.from(column.values),
  });
}

function float64Data(type: Float64, column: NumberColumn, length: number): Data<Float64> {
  return makeData({
    type,
    length,
    nullCount: column.nullCount,
    nullBitmap: column.validity,
    data: column.values,
  });
}

/** 0/1 values as a bitmap. (The hot loops live in small functions of their own, so V8 optimizes them once.) */
function bitsOf(values: Float64Array): Uint8Array {
  const bits = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) if (values[i] === 1) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
  return bits;
}

function boolData(type: Bool, column: NumberColumn, length: number): Data<Bool> {
  const data = bitsOf(column.values);
  return makeData({
    type,
    length,
    nullCount: column.nullCount,
    nullBitmap: column.validity,
    data,
  });
}

const TWO_32 = 2 ** 32;

/** Epoch ms as int64, written as little-endian 32-bit halves: a BigInt per value costs more than the rest. */
function int64Words(values: Float64Array): Uint32Array {
  const words = new Uint32Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const ms = Math.trunc(values[i] as number);
    const high = Math.floor(ms / TWO_32);
    words[2 * i] = ms - high * TWO_32;
    words[2 * i + 1] = high; // Uint32Array wraps a negative high word to its two's complement
  }
  return words;
}

function timestampData(type: TimestampMillisecond, column: NumberColumn, length: number): Data<TimestampMillisecond> {
  return makeData({
    type,
    length,
    nullCount: column.nullCount,
    nullBitmap: column.validity,
    data: new BigInt64Array(int64Words(column.values).buffer),
  });
}

/** One batch column as Arrow data of its Arrow type (from storageArrowSchema). */
export function columnData(type: DataType, column: StorageColumn, length: number): Data {
  switch (column.type) {
    case "string":
      return utf8Data(type as Utf8, column, length);
    case "int32":
      return int32Data(type as Int32, column, length);
    case "double":
      return float64Data(type as Float64, column, length);
    case "boolean":
      return boolData(type as Bool, column, length);
    case "timestamp_ms":
      return timestampData(type as TimestampMillisecond, column, length);
  }
}
