import { type ColumnType, type StorageRow, storageColumns } from "@shop/event-schema";

/**
 * The rows of one object as columns, in buffers shaped like Arrow's: UTF-8 bytes back to back with
 * int32 offsets, float64 values, validity bitmaps. The Arrow table is made over them without touching
 * a value again.
 *
 * Rows arrive either as spans of a Kafka record's bytes (the record scanner's fast path: the bytes
 * are copied straight into the columns, no JS string is made) or as StorageRow objects (the contract's
 * reference mapping, compaction). Both give the same columns for the same row.
 *
 * (A layout that appends whole records to an arena and builds the columns at the end measured 2x
 * slower: the per-column pass over row-major or scattered slots loses to appending in place.)
 */

/** How a slot says what a column's value is. */
export const SlotKind = {
  /** null (absent, JSON null, or a value the mapping turns into null) */
  Null: 0,
  /** a string: the UTF-8 bytes `start..end` of the source */
  Span: 1,
  /** like Span, ASCII letters upper-cased (currency codes) */
  SpanUpper: 2,
  /** a number (int32, double, epoch ms, or 0/1 for a boolean) in `num` */
  Number: 3,
} as const;

/**
 * One row as the record scanner leaves it: per storage column (by index in storageColumns), a kind,
 * a byte span of the source, or a number. Reused for every record: nothing is allocated per row.
 */
export interface ScannedRow {
  readonly kind: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly num: Float64Array;
}

type ColumnName = (typeof storageColumns)[number]["name"];

/** Index of each storage column in storageColumns (and so in the Arrow schema and the files). */
export const COLUMN_INDEX = Object.fromEntries(storageColumns.map((c, i) => [c.name, i])) as Record<ColumnName, number>;

/** A finished UTF-8 column: value i is `bytes[offsets[i]..offsets[i+1])`. */
export interface Utf8Column {
  readonly type: "string";
  readonly bytes: Uint8Array;
  readonly offsets: Int32Array;
  /** Bit set = value present; undefined when nothing is null (Arrow leaves it out then, and so do we). */
  readonly validity: Uint8Array | undefined;
  readonly nullCount: number;
}

/** A finished number column (int32, double, boolean as 0/1, timestamp as epoch ms). */
export interface NumberColumn {
  readonly type: Exclude<ColumnType, "string">;
  readonly values: Float64Array;
  readonly validity: Uint8Array | undefined;
  readonly nullCount: number;
}

export type StorageColumn = Utf8Column | NumberColumn;

const INITIAL_ROWS = 64;
const INITIAL_BYTES = 1024;
/** Starting bytes per row of a string column: most values (ids, names, codes) are shorter. */
const BYTES_PER_VALUE_GUESS = 24;
const LOWER_A = 0x61;
const LOWER_Z = 0x7a;
/** From this many bytes one TypedArray#set (with its subarray view) beats a plain loop. */
const LONG_VALUE = 96;

function grown<T extends Uint8Array | Int32Array | Float64Array>(array: T, atLeast: number): T {
  let capacity = array.length * 2;
  while (capacity < atLeast) capacity *= 2;
  const bigger = new (array.constructor as new (n: number) => T)(capacity);
  bigger.set(array);
  return bigger;
}

/** Validity bitmap (bit set = value present); its column grows it before setting. */
class ValidityBuilder {
  bits: Uint8Array;
  nullCount = 0;

  constructor(rows: number) {
    this.bits = new Uint8Array((rows + 7) >> 3);
  }

  ensure(rows: number): void {
    if ((rows + 7) >> 3 > this.bits.length) this.bits = grown(this.bits, (rows + 7) >> 3);
  }

  setPresent(index: number): void {
    this.bits[index >> 3] = (this.bits[index >> 3] as number) | (1 << (index & 7));
  }

  /** Arrow leaves the bitmap out when nothing is null; so do we, which keeps files byte-identical. */
  finish(length: number): Uint8Array | undefined {
    return this.nullCount === 0 ? undefined : this.bits.subarray(0, (length + 7) >> 3);
  }
}

class Utf8Builder {
  bytes: Buffer;
  byteLength = 0;
  offsets: Int32Array;
  readonly validity: ValidityBuilder;
  length = 0;

  constructor(rows: number) {
    this.bytes = Buffer.allocUnsafe(Math.max(INITIAL_BYTES, rows * BYTES_PER_VALUE_GUESS));
    this.offsets = new Int32Array(rows + 1);
    this.validity = new ValidityBuilder(rows);
  }

  private reserve(extraBytes: number): void {
    if (this.length + 2 > this.offsets.length) {
      this.offsets = grown(this.offsets, this.length + 2);
      this.validity.ensure(this.offsets.length);
    }
    const needed = this.byteLength + extraBytes;
    if (needed > this.bytes.length) {
      let capacity = this.bytes.length * 2;
      while (capacity < needed) capacity *= 2;
      const bigger = Buffer.allocUnsafe(capacity);
      this.bytes.copy(bigger, 0, 0, this.byteLength);
      this.bytes = bigger;
    }
  }

  private close(end: number): void {
    this.byteLength = end;
    this.validity.setPresent(this.length);
    this.length += 1;
    this.offsets[this.length] = end;
  }

  appendNull(): void {
    this.reserve(0);
    this.validity.nullCount++;
    this.length += 1;
    this.offsets[this.length] = this.byteLength;
  }

  appendString(value: string): void {
    // UTF-16 length * 3 bounds the UTF-8 length.
    this.reserve(value.length * 3);
    this.close(this.byteLength + this.bytes.write(value, this.byteLength, "utf8"));
  }

  appendBytes(source: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    const bytes = this.bytes;
    let at = this.byteLength;
    if (end - start < LONG_VALUE) for (let i = start; i < end; i++) bytes[at++] = source[i] as number;
    else {
      bytes.set(source.subarray(start, end), at);
      at += end - start;
    }
    this.close(at);
  }

  /** For ASCII currency codes: what String#toUpperCase does to them, on bytes. */
  appendBytesUpperAscii(source: Uint8Array, start: number, end: number): void {
    this.reserve(end - start);
    const bytes = this.bytes;
    let at = this.byteLength;
    for (let i = start; i < end; i++) {
      const c = source[i] as number;
      bytes[at++] = c >= LOWER_A && c <= LOWER_Z ? c - 32 : c;
    }
    this.close(at);
  }

  finish(): Utf8Column {
    return {
      type: "string",
      bytes: this.bytes.subarray(0, this.byteLength),
      offsets: this.offsets.subarray(0, this.length + 1),
      validity: this.validity.finish(this.length),
      nullCount: this.validity.nullCount,
    };
  }
}

class NumberBuilder {
  values: Float64Array;
  readonly validity: ValidityBuilder;
  length = 0;

  constructor(
    readonly type: NumberColumn["type"],
    rows: number,
  ) {
    this.values = new Float64Array(rows);
    this.validity = new ValidityBuilder(rows);
  }

  private reserve(): void {
    if (this.length === this.values.length) {
      this.values = grown(this.values, this.length + 1);
      this.validity.ensure(this.values.length);
    }
  }

  append(value: number): void {
    this.reserve();
    this.values[this.length] = value;
    this.validity.setPresent(this.length);
    this.length += 1;
  }

  appendNull(): void {
    this.reserve();
    this.values[this.length] = 0;
    this.validity.nullCount++;
    this.length += 1;
  }

  finish(): NumberColumn {
    return {
      type: this.type,
      values: this.values.subarray(0, this.length),
      validity: this.validity.finish(this.length),
      nullCount: this.validity.nullCount,
    };
  }
}

export class StorageRowBatch {
  length = 0;
  private readonly builders: Array<Utf8Builder | NumberBuilder>;
  /** The same builders split by kind, each with its column index: monomorphic loops. */
  private readonly utf8: ReadonlyArray<{ i: number; builder: Utf8Builder }>;
  private readonly numbers: ReadonlyArray<{ i: number; builder: NumberBuilder }>;
  private finished: StorageColumn[] | undefined;

  /** @param expectedRows sizes the buffers (they grow past it); e.g. the records of a batch. */
  constructor(expectedRows = INITIAL_ROWS) {
    const rows = Math.max(8, expectedRows);
    this.builders = storageColumns.map((c) =>
      c.type === "string" ? new Utf8Builder(rows) : new NumberBuilder(c.type, rows),
    );
    this.utf8 = this.builders.flatMap((builder, i) => (builder instanceof Utf8Builder ? [{ i, builder }] : []));
    this.numbers = this.builders.flatMap((builder, i) => (builder instanceof NumberBuilder ? [{ i, builder }] : []));
  }

  static fromRows(rows: Iterable<StorageRow>): StorageRowBatch {
    const batch = new StorageRowBatch();
    for (const row of rows) batch.appendRow(row);
    return batch;
  }

  /** A row the record scanner found in `source`; string values are copied straight from its bytes. */
  appendScanned(source: Uint8Array, row: ScannedRow): void {
    this.assertOpen();
    const { kind, start, end, num } = row;
    for (let c = 0; c < this.utf8.length; c++) {
      const { i, builder } = this.utf8[c] as { i: number; builder: Utf8Builder };
      const k = kind[i] as number;
      if (k === SlotKind.Span) builder.appendBytes(source, start[i] as number, end[i] as number);
      else if (k === SlotKind.Null) builder.appendNull();
      else builder.appendBytesUpperAscii(source, start[i] as number, end[i] as number);
    }
    for (let c = 0; c < this.numbers.length; c++) {
      const { i, builder } = this.numbers[c] as { i: number; builder: NumberBuilder };
      if (kind[i] === SlotKind.Null) builder.appendNull();
      else builder.append(num[i] as number);
    }
    this.length += 1;
  }

  /** A row from the contract's mapping (toStorageRow) or read back from a file. */
  appendRow(row: StorageRow): void {
    this.assertOpen();
    const values = row as unknown as Record<string, unknown>;
    storageColumns.forEach((column, i) => {
      const builder = this.builders[i] as Utf8Builder | NumberBuilder;
      const value = values[column.name];
      if (value === null || value === undefined) builder.appendNull();
      else if (builder instanceof Utf8Builder) builder.appendString(String(value));
      else builder.append(typeof value === "boolean" ? (value ? 1 : 0) : (value as number));
    });
    this.length += 1;
  }

  private assertOpen(): void {
    if (this.finished) throw new Error("rows cannot be added to a batch whose columns were taken");
  }

  /** The columns, in storageColumns order (views of the builders' buffers); the batch is closed after. */
  columns(): readonly StorageColumn[] {
    this.finished ??= this.builders.map((builder) => builder.finish());
    return this.finished;
  }

  /** The rows back as StorageRow objects (timestamps as epoch ms): for tests, logs and tools. */
  toRows(): StorageRow[] {
    const columns = this.columns();
    const rows: StorageRow[] = [];
    for (let r = 0; r < this.length; r++) {
      const row: Record<string, unknown> = {};
      storageColumns.forEach((c, i) => {
        row[c.name] = valueAt(columns[i] as StorageColumn, r);
      });
      rows.push(row as StorageRow);
    }
    return rows;
  }

  /** One string column's values, e.g. the event ids of a batch. */
  stringValues(name: ColumnName): Array<string | null> {
    const column = this.columns()[COLUMN_INDEX[name]] as StorageColumn;
    if (column.type !== "string") throw new TypeError(`${name} is not a string column`);
    return Array.from({ length: this.length }, (_, r) => valueAt(column, r) as string | null);
  }
}

const isPresent = (validity: Uint8Array | undefined, r: number) =>
  validity === undefined || (((validity[r >> 3] as number) >> (r & 7)) & 1) === 1;

function valueAt(column: StorageColumn, r: number): string | number | boolean | null {
  if (!isPresent(column.validity, r)) return null;
  if (column.type === "string") {
    return Buffer.from(column.bytes.buffer, column.bytes.byteOffset, column.bytes.byteLength).toString(
      "utf8",
      column.offsets[r],
      column.offsets[r + 1],
    );
  }
  const value = column.values[r] as number;
  return column.type === "boolean" ? value === 1 : value;
}
