import type { ColumnType } from "@shop/event-schema";
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

/**
 * Arrow column buffers written directly from plain values. apache-arrow's generic builders
 * (vectorFromArray) check and grow per value and were ~25x slower on storage rows, which made them,
 * not Parquet, the bottleneck of the sink.
 */

type Value = string | number | boolean | null | undefined;

/** Validity bitmap (bit set = value present) and the null count; no bitmap when nothing is null. */
function validity(values: readonly Value[]): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  const bitmap = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) nullCount++;
    else bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
  }
  return { nullBitmap: nullCount === 0 ? undefined : bitmap, nullCount };
}

function utf8Column(type: Utf8, values: readonly Value[]): Data<Utf8> {
  const { nullBitmap, nullCount } = validity(values);
  const valueOffsets = new Int32Array(values.length + 1);
  const parts: string[] = new Array(values.length);
  let length = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    parts[i] = typeof v === "string" ? v : "";
    length += (parts[i] as string).length;
    valueOffsets[i + 1] = length;
  }
  // One encode for the whole column. When it is all ASCII (the usual case: ids, URLs, JSON of
  // ASCII) bytes and UTF-16 units coincide, so the offsets above are already the byte offsets.
  const joined = parts.join("");
  const data = Buffer.from(joined, "utf8");
  if (data.length !== joined.length) {
    let end = 0;
    for (let i = 0; i < parts.length; i++) {
      end += Buffer.byteLength(parts[i] as string, "utf8");
      valueOffsets[i + 1] = end;
    }
  }
  return makeData({ type, length: values.length, nullCount, nullBitmap, valueOffsets, data });
}

function int32Column(type: Int32, values: readonly Value[]): Data<Int32> {
  const { nullBitmap, nullCount } = validity(values);
  const data = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = typeof values[i] === "number" ? (values[i] as number) : 0;
  return makeData({ type, length: values.length, nullCount, nullBitmap, data });
}

function float64Column(type: Float64, values: readonly Value[]): Data<Float64> {
  const { nullBitmap, nullCount } = validity(values);
  const data = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = typeof values[i] === "number" ? (values[i] as number) : 0;
  return makeData({ type, length: values.length, nullCount, nullBitmap, data });
}

function boolColumn(type: Bool, values: readonly Value[]): Data<Bool> {
  const { nullBitmap, nullCount } = validity(values);
  const data = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++)
    if (values[i] === true) data[i >> 3] = (data[i >> 3] as number) | (1 << (i & 7));
  return makeData({ type, length: values.length, nullCount, nullBitmap, data });
}

const TWO_32 = 2 ** 32;

function timestampColumn(type: TimestampMillisecond, values: readonly Value[]): Data<TimestampMillisecond> {
  const { nullBitmap, nullCount } = validity(values);
  // int64 written as little-endian 32-bit halves: a BigInt per value costs more than the rest.
  const words = new Uint32Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number") continue;
    const ms = Math.trunc(v);
    const high = Math.floor(ms / TWO_32);
    words[2 * i] = ms - high * TWO_32;
    words[2 * i + 1] = high; // Uint32Array wraps a negative high word to its two's complement
  }
  const data = new BigInt64Array(words.buffer);
  return makeData({ type, length: values.length, nullCount, nullBitmap, data });
}

/** One column of values as Arrow data of the contract type's Arrow type. */
export function columnData(columnType: ColumnType, type: DataType, values: readonly Value[]): Data {
  switch (columnType) {
    case "string":
      return utf8Column(type as Utf8, values);
    case "int32":
      return int32Column(type as Int32, values);
    case "double":
      return float64Column(type as Float64, values);
    case "boolean":
      return boolColumn(type as Bool, values);
    case "timestamp_ms":
      return timestampColumn(type as TimestampMillisecond, values);
  }
}
