import {
  type ColumnDefinition,
  type ColumnType,
  columnTypes,
  type ParquetType,
  STORAGE_SCHEMA_VERSION,
} from "@shop/event-schema";
import { contractLayout } from "../columnar/layout.js";
import { type RowTable, SlotKind, type StorageRowBatch } from "../columnar/storage-row-batch.js";
import { setEpochMs } from "./int64.js";
import { thriftStruct } from "./thrift-compact.js";
import { zstdCompress } from "./zstd.js";

/**
 * The sink's Parquet writer: a StorageRowBatch's slots straight to a Parquet file, written to the
 * format spec (https://parquet.apache.org/docs/file-format/) for exactly the one flat schema the sink
 * writes. It exists for speed: going through apache-arrow's IPC writer and parquet-wasm cost 6–9 µs
 * per event (IPC serialisation, a copy into wasm memory, arrow-rs's generic encoders, wasm ZSTD),
 * most of the sink's whole budget; this writer copies each value once, from the decoded record into
 * its page, and compresses with native ZSTD (~3 µs per event in all).
 *
 * What it writes, and why that is enough here:
 * - one row group; data pages v1, PLAIN values, RLE/bit-packed definition levels; no dictionaries
 *   (under ZSTD they saved nothing on sink files);
 * - pages cut at ~1 MiB of values (at a block boundary);
 * - exact min/max statistics on the columns engines prune with, with TYPE_ORDER column orders so
 *   readers trust min_value/max_value on strings;
 * - logical types STRING and TIMESTAMP(MILLIS, UTC), and the storage schema version in the footer.
 *
 * Compacted files (read many times, dictionaries on repeated values) stay on parquet-wasm (encode.ts).
 * test/unit/sink-file.test.ts reads these files back with DuckDB and arrow-rs (parquet-wasm) and
 * compares them with parquet-wasm's own file for the same rows; the Spark test reads them too.
 */

export const PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet";

/** Footer key holding which storage row layout a file has (also set by the compaction writer). */
export const STORAGE_SCHEMA_VERSION_KEY = "shop.storage_schema_version";

/** Columns engines prune with (the mapping's `prune`): they get min/max statistics. */
export const STATISTICS_COLUMNS: ReadonlySet<string> = contractLayout.statistics;

export interface SinkFileOptions {
  /** Extra key-value metadata for the footer. */
  readonly metadata?: ReadonlyMap<string, string>;
  /** Values per page, in uncompressed bytes (a soft bound: a page ends at the first block boundary past it). */
  readonly pageBytes?: number;
}

const MAGIC = new Uint8Array([0x50, 0x41, 0x52, 0x31]); // "PAR1"
const DEFAULT_PAGE_BYTES = 1 << 20;
const CREATED_BY = "shop-s3-sink version 0.1.0 (build sink-file)";

/** Parquet's enums (parquet.thrift). */
const PhysicalType = { BOOLEAN: 0, INT32: 1, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
const Repetition = { REQUIRED: 0, OPTIONAL: 1 } as const;
const ConvertedType = { UTF8: 0, TIMESTAMP_MILLIS: 9 } as const;
const Encoding = { PLAIN: 0, RLE: 3 } as const;
const CODEC_ZSTD = 6;
const PAGE_TYPE_DATA = 0;

/** The contract's Parquet type of a column (physical + logical), in parquet.thrift's numbers. */
const physicalType = (type: ColumnType): number => PhysicalType[columnTypes[type].parquet.physical];
const logicalType = (type: ColumnType): ParquetType["logical"] => (columnTypes[type].parquet as ParquetType).logical;

interface Statistics {
  readonly nullCount: number;
  /** PLAIN-encoded min and max; absent when every value is null (or one is NaN). */
  readonly min?: Uint8Array;
  readonly max?: Uint8Array;
}

const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A growable byte buffer: one column's PLAIN values, or a page body. */
class PageBuffer {
  bytes: Buffer;
  /** The same bytes, for copying four at a time. */
  view: DataView;
  length = 0;

  constructor(capacity: number) {
    this.bytes = Buffer.allocUnsafe(capacity);
    this.view = viewOf(this.bytes);
  }

  /** Room for `extra` more bytes; returns the (possibly new) buffer. */
  ensure(extra: number): Buffer {
    const needed = this.length + extra;
    if (needed > this.bytes.length) {
      let capacity = this.bytes.length * 2;
      while (capacity < needed) capacity *= 2;
      const bigger = Buffer.allocUnsafe(capacity);
      this.bytes.copy(bigger, 0, 0, this.length);
      this.bytes = bigger;
      this.view = viewOf(bigger);
    }
    return this.bytes;
  }

  varint(value: number): void {
    let v = value;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.bytes[this.length++] = v;
  }
}

/**
 * Rows are written in blocks: every column takes the block's rows before the next block starts, so
 * the records a block's strings come from stay in the CPU cache while each column copies its values
 * out of them. (A whole pass per column over a Lambda batch's records, ~6 MB, read every value from
 * memory and cost twice the rest of the writer.)
 */
const BLOCK_ROWS = 256;
function compareSpans(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const d = (bytes[aStart + i] as number) - (bytes[bStart + i] as number);
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/** One column chunk: values gathered block by block, cut into pages of ~pageBytes, each ZSTD-compressed. */
class ColumnChunkWriter {
  readonly name: string;
  readonly type: ColumnType;
  readonly optional: boolean;
  private pageStart = 0;
  private pageNulls = 0;
  private nullCount = 0;
  /** Slots of the smallest and largest value so far, when this column keeps statistics. */
  private readonly withStatistics: boolean;
  private minSlot = -1;
  private maxSlot = -1;
  private sawNaN = false;
  readonly parts: Uint8Array[] = [];
  compressedBytes = 0;
  uncompressedBytes = 0;
  /** Where the first page starts in the file (set when the file is laid out). */
  dataPageOffset = 0;

  constructor(
    private readonly table: RowTable,
    private readonly column: number,
    /** This column's values of the current page (scratch memory, emptied here). */
    private readonly values: PageBuffer,
    descriptor: ColumnDefinition,
    withStatistics: boolean,
  ) {
    values.length = 0;
    this.name = descriptor.name;
    this.type = descriptor.type;
    this.optional = descriptor.nullable;
    this.withStatistics = withStatistics;
  }

  get pendingBytes(): number {
    return this.values.length;
  }

  /** Rows [from, to) into the current page's values. */
  append(from: number, to: number): void {
    if (this.type === "string") this.appendStrings(from, to);
    else this.appendNumbers(from, to);
  }

  /** PLAIN BYTE_ARRAY: each present value as a 4-byte length and its bytes, copied from the arena. */
  private appendStrings(from: number, to: number): void {
    const { kind, start, end, stride, bytes: source, view: sourceView } = this.table;
    const base = this.column * stride;
    const values = this.values;
    let out = values.bytes;
    let outView = values.view;
    let at = values.length;
    let nulls = 0;
    for (let slot = base + from; slot < base + to; slot++) {
      if (kind[slot] === SlotKind.Null) {
        nulls++;
        continue;
      }
      const s = start[slot] as number;
      const e = end[slot] as number;
      const length = e - s;
      if (at + 4 + length > out.length) {
        values.length = at;
        out = values.ensure(4 + length);
        outView = values.view;
      }
      outView.setUint32(at, length, true);
      at += 4;
      if (length < 128) {
        // Four bytes at a time (DataView reads and writes unaligned words); set() with its subarray
        // costs more than this below ~128 bytes.
        let i = s;
        for (; i + 4 <= e; i += 4, at += 4) outView.setUint32(at, sourceView.getUint32(i, true), true);
        for (; i < e; i++) out[at++] = source[i] as number;
      } else {
        // A plain Uint8Array view: Buffer#subarray goes through Buffer's own constructor.
        out.set(new Uint8Array(source.buffer, source.byteOffset + s, length), at);
        at += length;
      }
    }
    values.length = at;
    this.pageNulls += nulls;
    if (this.withStatistics) this.stringStatistics(base + from, base + to);
  }

  private stringStatistics(fromSlot: number, toSlot: number): void {
    const { kind, start, end, bytes } = this.table;
    for (let slot = fromSlot; slot < toSlot; slot++) {
      if (kind[slot] === SlotKind.Null) continue;
      if (this.minSlot < 0) {
        this.minSlot = slot;
        this.maxSlot = slot;
        continue;
      }
      const s = start[slot] as number;
      const e = end[slot] as number;
      const min = this.minSlot;
      const max = this.maxSlot;
      if (compareSpans(bytes, s, e, start[min] as number, end[min] as number) < 0) this.minSlot = slot;
      else if (compareSpans(bytes, s, e, start[max] as number, end[max] as number) > 0) this.maxSlot = slot;
    }
  }

  /** PLAIN numbers of the present rows: int32, int64 (epoch ms), double, or booleans (packed at flush). */
  private appendNumbers(from: number, to: number): void {
    const base = this.column * this.table.stride;
    this.pageNulls += plainNumbers(this.type, this.table, base + from, base + to, this.values);
    if (this.withStatistics) this.numberStatistics(base + from, base + to);
  }

  private numberStatistics(fromSlot: number, toSlot: number): void {
    const { kind, num } = this.table;
    for (let slot = fromSlot; slot < toSlot; slot++) {
      if (kind[slot] === SlotKind.Null) continue;
      const v = num[slot] as number;
      if (Number.isNaN(v)) this.sawNaN = true;
      else if (this.minSlot < 0) {
        this.minSlot = slot;
        this.maxSlot = slot;
      } else if (v < (num[this.minSlot] as number)) this.minSlot = slot;
      else if (v > (num[this.maxSlot] as number)) this.maxSlot = slot;
    }
  }

  /** Ends the current page at row `to`: levels + values, compressed, behind a page header. */
  flushPage(to: number, page: PageBuffer): void {
    const rows = to - this.pageStart;
    if (rows === 0) return;
    if (!this.optional && this.pageNulls > 0)
      throw new TypeError(`column ${this.name} is required but has ${this.pageNulls} nulls`);
    page.length = 0;
    const valueBytes = this.type === "boolean" ? (this.values.length + 7) >> 3 : this.values.length;
    page.ensure(4 + 10 + ((rows + 7) >> 3) + valueBytes);
    if (this.optional) this.writeDefinitionLevels(page, to);
    if (this.type === "boolean") packBits(this.values, page);
    else {
      page.bytes.set(this.values.bytes.subarray(0, this.values.length), page.length);
      page.length += this.values.length;
    }
    const body = zstdCompress(page.bytes.subarray(0, page.length));
    const header = thriftStruct((w) =>
      w
        .i32(1, PAGE_TYPE_DATA)
        .i32(2, page.length)
        .i32(3, body.length)
        .struct(5, (h) => h.i32(1, rows).i32(2, Encoding.PLAIN).i32(3, Encoding.RLE).i32(4, Encoding.RLE)),
    );
    this.parts.push(header, body);
    this.compressedBytes += header.length + body.length;
    this.uncompressedBytes += header.length + page.length;
    this.nullCount += this.pageNulls;
    this.pageNulls = 0;
    this.pageStart = to;
    this.values.length = 0;
  }

  /**
   * The page's definition levels with v1's 4-byte length prefix: one RLE run of 1s when no row is
   * null, else one bit-packed run (bit width 1, LSB first).
   */
  private writeDefinitionLevels(page: PageBuffer, to: number): void {
    const lengthAt = page.length;
    page.length += 4;
    const count = to - this.pageStart;
    if (this.pageNulls === 0) {
      page.varint(count << 1);
      page.bytes[page.length++] = 1;
    } else {
      const groups = (count + 7) >> 3;
      page.varint((groups << 1) | 1);
      const out = page.bytes;
      const at = page.length;
      out.fill(0, at, at + groups);
      const { kind, stride } = this.table;
      const base = this.column * stride + this.pageStart;
      for (let i = 0; i < count; i++) {
        if (kind[base + i] !== SlotKind.Null) out[at + (i >> 3)] = (out[at + (i >> 3)] as number) | (1 << (i & 7));
      }
      page.length += groups;
    }
    page.bytes.writeUInt32LE(page.length - lengthAt - 4, lengthAt);
  }

  /** Exact min/max (unsigned byte order for strings, as TYPE_ORDER says), PLAIN-encoded. */
  statistics(): Statistics | undefined {
    if (!this.withStatistics) return undefined;
    const nullCount = this.nullCount;
    // Parquet says to leave out min/max when a NaN is among the values.
    if (this.minSlot < 0 || this.sawNaN) return { nullCount };
    return { nullCount, min: this.plain(this.minSlot), max: this.plain(this.maxSlot) };
  }

  private plain(slot: number): Uint8Array {
    const { start, end, bytes } = this.table;
    if (this.type === "string") return bytes.slice(start[slot] as number, end[slot] as number);
    // One value, encoded as in a page (a boolean's one byte is its one packed bit).
    const one = new PageBuffer(8);
    plainNumbers(this.type, this.table, slot, slot + 1, one);
    return one.bytes.slice(0, one.length);
  }
}

/**
 * PLAIN values of the present slots [fromSlot, toSlot) of a number column appended to `values`:
 * int32, int64 (epoch ms) and double little-endian; booleans one byte each, packed when a page is
 * written. Returns the nulls it skipped.
 */
function plainNumbers(type: ColumnType, table: RowTable, fromSlot: number, toSlot: number, values: PageBuffer): number {
  const { kind, num } = table;
  const out = values.ensure(8 * (toSlot - fromSlot));
  const view = values.view;
  let at = values.length;
  let nulls = 0;
  switch (type) {
    case "int32":
      for (let slot = fromSlot; slot < toSlot; slot++) {
        if (kind[slot] === SlotKind.Null) nulls++;
        else {
          view.setInt32(at, num[slot] as number, true);
          at += 4;
        }
      }
      break;
    case "double":
      for (let slot = fromSlot; slot < toSlot; slot++) {
        if (kind[slot] === SlotKind.Null) nulls++;
        else {
          view.setFloat64(at, num[slot] as number, true);
          at += 8;
        }
      }
      break;
    case "timestamp_ms":
      for (let slot = fromSlot; slot < toSlot; slot++) {
        if (kind[slot] === SlotKind.Null) nulls++;
        else {
          setEpochMs(view, at, num[slot] as number);
          at += 8;
        }
      }
      break;
    case "boolean":
      for (let slot = fromSlot; slot < toSlot; slot++) {
        if (kind[slot] === SlotKind.Null) nulls++;
        else out[at++] = num[slot] === 1 ? 1 : 0;
      }
      break;
    case "string":
      throw new TypeError("strings are not numbers");
  }
  values.length = at;
  return nulls;
}

/** PLAIN booleans: one byte per value in `values` → bits, LSB first, appended to `page`. */
function packBits(values: PageBuffer, page: PageBuffer): void {
  const out = page.bytes;
  const at = page.length;
  const bytes = (values.length + 7) >> 3;
  out.fill(0, at, at + bytes);
  for (let i = 0; i < values.length; i++)
    if (values.bytes[i] === 1) out[at + (i >> 3)] = (out[at + (i >> 3)] as number) | (1 << (i & 7));
  page.length += bytes;
}

function footer(chunks: readonly ColumnChunkWriter[], rows: number, metadata: ReadonlyMap<string, string>): Uint8Array {
  return thriftStruct((w) => {
    w.i32(1, 1)
      .structList(2, [undefined, ...chunks], (s, chunk) => {
        if (chunk === undefined) {
          s.binary(4, "schema").i32(5, chunks.length);
          return;
        }
        s.i32(1, physicalType(chunk.type))
          .i32(3, chunk.optional ? Repetition.OPTIONAL : Repetition.REQUIRED)
          .binary(4, chunk.name);
        const logical = logicalType(chunk.type);
        // Both the converted type (old readers) and the logical type; MILLIS is TimeUnit's field 1.
        if (logical?.type === "STRING") s.i32(6, ConvertedType.UTF8).struct(10, (l) => l.struct(1, () => {}));
        if (logical?.type === "TIMESTAMP")
          s.i32(6, ConvertedType.TIMESTAMP_MILLIS).struct(10, (l) =>
            l.struct(8, (t) => t.bool(1, logical.adjustedToUtc).struct(2, (unit) => unit.struct(1, () => {}))),
          );
      })
      .i64(3, rows);
    const rowGroups = rows === 0 ? [] : [chunks];
    w.structList(4, rowGroups, (g, columns) => {
      g.structList(1, columns, (c, chunk) => {
        c.i64(2, chunk.dataPageOffset).struct(3, (m) => {
          m.i32(1, physicalType(chunk.type))
            .i32List(2, chunk.optional ? [Encoding.PLAIN, Encoding.RLE] : [Encoding.PLAIN])
            .stringList(3, [chunk.name])
            .i32(4, CODEC_ZSTD)
            .i64(5, rows)
            .i64(6, chunk.uncompressedBytes)
            .i64(7, chunk.compressedBytes)
            .i64(9, chunk.dataPageOffset);
          const stats = chunk.statistics();
          if (stats)
            m.struct(12, (s) => {
              s.i64(3, stats.nullCount);
              if (stats.max && stats.min) s.binary(5, stats.max).binary(6, stats.min);
            });
        });
      })
        .i64(
          2,
          columns.reduce((n, c) => n + c.uncompressedBytes, 0),
        )
        .i64(3, rows)
        .i64(5, columns[0]?.dataPageOffset ?? MAGIC.length)
        .i64(
          6,
          columns.reduce((n, c) => n + c.compressedBytes, 0),
        );
    });
    w.structList(5, [...metadata], (kv, [key, value]) => kv.binary(1, key).binary(2, value))
      .binary(6, CREATED_BY)
      .structList(7, chunks, (order) => order.struct(1, () => {}));
  });
}

/**
 * Buffers for pages, reused by every call: encoding is synchronous and its result is a fresh buffer,
 * so nothing outlives a call. Allocating them per file (~2x a batch's values, growing) made the
 * garbage collector a quarter of the sink's time.
 */
const scratch = {
  page: new PageBuffer(64 * 1024),
  values: [] as PageBuffer[],
};

function scratchValues(columns: number): PageBuffer[] {
  while (scratch.values.length < columns) scratch.values.push(new PageBuffer(16 * 1024));
  return scratch.values;
}

/**
 * A batch as one Parquet file (ZSTD). Pure and deterministic: the same rows in the same order give
 * the same bytes, so a retried batch rewrites an identical object.
 */
export function encodeSinkFile(batch: StorageRowBatch, options: SinkFileOptions = {}): Uint8Array {
  const table = batch.table();
  const rows = table.rows;
  const pageBytes = options.pageBytes ?? DEFAULT_PAGE_BYTES;
  const { columns, statistics } = batch.layout;
  const values = scratchValues(columns.length);
  const writers = columns.map(
    (column, c) => new ColumnChunkWriter(table, c, values[c] as PageBuffer, column, statistics.has(column.name)),
  );
  const { page } = scratch;
  for (let from = 0; from < rows; from += BLOCK_ROWS) {
    const to = Math.min(rows, from + BLOCK_ROWS);
    for (const writer of writers) {
      writer.append(from, to);
      if (writer.pendingBytes >= pageBytes) writer.flushPage(to, page);
    }
  }
  const parts: Uint8Array[] = [MAGIC];
  let offset = MAGIC.length;
  for (const writer of writers) {
    writer.flushPage(rows, page);
    writer.dataPageOffset = offset;
    parts.push(...writer.parts);
    offset += writer.compressedBytes;
  }
  const metadata = new Map([[STORAGE_SCHEMA_VERSION_KEY, String(STORAGE_SCHEMA_VERSION)], ...(options.metadata ?? [])]);
  const meta = footer(writers, rows, metadata);
  const tail = Buffer.allocUnsafe(8);
  tail.writeUInt32LE(meta.length, 0);
  tail.set(MAGIC, 4);
  parts.push(meta, tail);
  return Buffer.concat(parts, offset + meta.length + tail.length);
}
