import type { ColumnType, StorageColumnName, StorageRow } from "@shop/event-schema";
import { contractLayout, type StorageLayout } from "./layout.js";

/**
 * The rows of one object, kept as the record scanner leaves them: per row and column a kind, a byte
 * span and a number, row after row in flat typed arrays. String values are spans of a ByteArena that
 * holds the decoded Kafka records themselves, so appending a scanned row copies 46 slots and no
 * string bytes; the Parquet writer (sink-file.ts) then copies each value once, from the record
 * straight into its page.
 *
 * Rows arrive either from the record scanner (the fast path) or as StorageRow objects (the contract's
 * reference mapping, compaction), whose strings are written into the arena. Both give the same table
 * for the same row. `columns()` gathers Arrow-shaped columns for parquet-wasm (compaction) and tools.
 *
 * (Copying every value into Arrow-shaped column buffers as rows arrived cost ~3 µs per event, a
 * quarter of the sink's budget, and the writer copied it all again into pages.)
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
 * One row as the record scanner leaves it: per column (by index in the layout's columns), a kind,
 * a byte span of the source, or a number. Reused for every record: nothing is allocated per row.
 */
export interface ScannedRow {
  readonly kind: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly num: Float64Array;
  /**
   * The slots the scan set, in `touched[0..touchedCount)`; every other column is null. (Most of a row's
   * columns are null on most events: copying only the set ones saves a third of the append.)
   * Indexes past the columns are the scanner's scratch slots.
   */
  readonly touched: Int32Array;
  touchedCount: number;
}

/** Index of each of the contract's storage columns (and so in the Arrow schema and the files). */
export const COLUMN_INDEX = contractLayout.index as Record<StorageColumnName, number>;

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
const LOWER_A = 0x61;
const LOWER_Z = 0x7a;

/**
 * The bytes a batch's string values point into: decoded Kafka records and the strings of rows
 * appended as objects. Batches of one topic-partition share one arena; spans are offsets, so they stay
 * valid when it grows.
 */
export class ByteArena {
  bytes: Buffer;
  length = 0;

  constructor(capacity = 64 * 1024) {
    this.bytes = Buffer.allocUnsafe(Math.max(64, Math.ceil(capacity)));
  }

  /** Forgets the contents and keeps the buffer: every span into it is invalid after. */
  clear(): void {
    this.length = 0;
  }

  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const bigger = Buffer.allocUnsafe(capacity);
    this.bytes.copy(bigger, 0, 0, this.length);
    this.bytes = bigger;
  }

  /** Decodes base64 (as Buffer.from(value, "base64") does) onto the end; returns where it starts. */
  appendBase64(value: string): number {
    this.reserve((value.length * 3) >> 2);
    const start = this.length;
    this.length += this.bytes.write(value, start, "base64");
    return start;
  }

  appendString(value: string): number {
    // UTF-16 length * 3 bounds the UTF-8 length.
    this.reserve(value.length * 3);
    const start = this.length;
    this.length += this.bytes.write(value, start, "utf8");
    return start;
  }

  appendBytes(source: Uint8Array, from: number, to: number): number {
    this.reserve(to - from);
    const start = this.length;
    this.bytes.set(source.subarray(from, to), start);
    this.length += to - from;
    return start;
  }

  /** For ASCII currency codes: what String#toUpperCase does to them, on bytes (from this arena). */
  appendUpperAscii(from: number, to: number): number {
    this.reserve(to - from);
    const bytes = this.bytes;
    const start = this.length;
    let at = start;
    for (let i = from; i < to; i++) {
      const c = bytes[i] as number;
      bytes[at++] = c >= LOWER_A && c <= LOWER_Z ? c - 32 : c;
    }
    this.length = at;
    return start;
  }
}

/**
 * What the Parquet writer reads: slot `c * stride + r` is row r's value of column c (column-major, so
 * the writer's pass over a column reads its slots in order). A string is `bytes[start..end)`; a
 * number (int32, double, epoch ms, 0/1 for a boolean) is in `num`.
 */
export interface RowTable {
  readonly rows: number;
  readonly stride: number;
  readonly kind: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly num: Float64Array;
  readonly bytes: Uint8Array;
  /** `bytes` as a DataView. */
  readonly view: DataView;
}

/** Column-major slots with room for `from` rows per column → room for `to`, keeping `keep` rows. */
function regrown<T extends Uint8Array | Int32Array | Float64Array>(
  array: T,
  columns: number,
  from: number,
  to: number,
  keep: number,
): T {
  const bigger = new (array.constructor as new (n: number) => T)(columns * to);
  if (keep > 0) for (let c = 0; c < columns; c++) bigger.set(array.subarray(c * from, c * from + keep), c * to);
  return bigger;
}

/**
 * Column-major slot arrays with room for `capacity` rows; reusable (see PlanWorkspace). New and grown
 * slots are null (typed arrays start zeroed); a reused table is cleared by the batch that takes it.
 */
export class SlotTable {
  kind: Uint8Array;
  start: Int32Array;
  end: Int32Array;
  num: Float64Array;

  constructor(
    public capacity: number,
    readonly columns: number,
  ) {
    const slots = capacity * columns;
    this.kind = new Uint8Array(slots);
    this.start = new Int32Array(slots);
    this.end = new Int32Array(slots);
    this.num = new Float64Array(slots);
  }

  /** Room for `rows` rows per column, keeping the first `keep` rows of each column. */
  grow(rows: number, keep: number): void {
    if (rows <= this.capacity) return;
    let capacity = this.capacity * 2;
    while (capacity < rows) capacity *= 2;
    const n = this.columns;
    this.kind = regrown(this.kind, n, this.capacity, capacity, keep);
    this.start = regrown(this.start, n, this.capacity, capacity, keep);
    this.end = regrown(this.end, n, this.capacity, capacity, keep);
    this.num = regrown(this.num, n, this.capacity, capacity, keep);
    this.capacity = capacity;
  }
}

export class StorageRowBatch {
  length = 0;
  private readonly slots: SlotTable;
  private finished: StorageColumn[] | undefined;

  /**
   * @param expectedRows sizes the slot arrays (they grow past it); e.g. the records of a batch.
   * @param arena where string values live; shared with the other batches of a topic-partition.
   * @param slots reused slot arrays (PlanWorkspace); their old contents are ignored.
   * @param layout the columns (the contract's unless a test maps more).
   */
  constructor(
    expectedRows = INITIAL_ROWS,
    readonly arena: ByteArena = new ByteArena(),
    slots?: SlotTable,
    readonly layout: StorageLayout = contractLayout,
  ) {
    this.slots = slots ?? new SlotTable(Math.max(8, expectedRows), layout.columns.length);
    if (this.slots.columns !== layout.columns.length) throw new Error("slot table and layout disagree on columns");
    // appendScanned writes only the columns a row has: every other slot must read null.
    if (slots) slots.kind.fill(SlotKind.Null);
    this.slots.grow(expectedRows, 0);
  }

  static fromRows(rows: Iterable<StorageRow | Record<string, unknown>>, layout = contractLayout): StorageRowBatch {
    const batch = new StorageRowBatch(INITIAL_ROWS, new ByteArena(), undefined, layout);
    for (const row of rows) batch.appendRow(row);
    return batch;
  }

  /** Room for one more row; returns its index. */
  private nextRow(): number {
    this.assertOpen();
    if (this.length === this.slots.capacity) this.slots.grow(this.length + 1, this.length);
    return this.length;
  }

  /**
   * A row the record scanner found in `source`. When `source` is this batch's arena (the sink's
   * path) its spans are kept as they are; any other source's bytes are copied into the arena first.
   */
  appendScanned(source: Uint8Array, row: ScannedRow): void {
    const r = this.nextRow();
    const base = source === this.arena.bytes ? 0 : this.arena.appendBytes(source, 0, source.length);
    const { kind, start, end, num, capacity } = this.slots;
    const { kind: rowKind, start: rowStart, end: rowEnd, num: rowNum, touched, touchedCount } = row;
    const { stringFlags } = this.layout;
    const columns = stringFlags.length;
    // The slots of a new row are null already (see SlotTable): only what the scan set is copied.
    for (let i = 0; i < touchedCount; i++) {
      const c = touched[i] as number;
      if (c >= columns) continue;
      const k = rowKind[c] as number;
      if (k === SlotKind.Null) continue;
      const slot = c * capacity + r;
      if (stringFlags[c] === 0) {
        kind[slot] = k;
        num[slot] = rowNum[c] as number;
      } else if (k === SlotKind.Span) {
        kind[slot] = k;
        start[slot] = (rowStart[c] as number) + base;
        end[slot] = (rowEnd[c] as number) + base;
      } else {
        kind[slot] = SlotKind.Span;
        start[slot] = this.arena.appendUpperAscii((rowStart[c] as number) + base, (rowEnd[c] as number) + base);
        end[slot] = this.arena.length;
      }
    }
    this.length += 1;
  }

  /** A row from the contract's mapping (toStorageRow) or read back from a file; absent columns are null. */
  appendRow(row: StorageRow | Record<string, unknown>): void {
    const r = this.nextRow();
    const values = row as Record<string, unknown>;
    const { kind, start, end, num, capacity } = this.slots;
    const { stringFlags } = this.layout;
    this.layout.columns.forEach((column, c) => {
      const slot = c * capacity + r;
      const value = values[column.name];
      if (value === null || value === undefined) kind[slot] = SlotKind.Null;
      else if (stringFlags[c] === 1) {
        kind[slot] = SlotKind.Span;
        start[slot] = this.arena.appendString(String(value));
        end[slot] = this.arena.length;
      } else {
        kind[slot] = SlotKind.Number;
        num[slot] = typeof value === "boolean" ? (value ? 1 : 0) : (value as number);
      }
    });
    this.length += 1;
  }

  private assertOpen(): void {
    if (this.finished) throw new Error("rows cannot be added to a batch whose columns were taken");
  }

  /** The rows as the Parquet writer reads them (views; valid until the next append). */
  table(): RowTable {
    const { kind, start, end, num, capacity } = this.slots;
    const bytes = this.arena.bytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { rows: this.length, stride: capacity, kind, start, end, num, bytes, view };
  }

  /** Arrow-shaped columns, in the layout's order (gathered once; the batch is closed after). */
  columns(): readonly StorageColumn[] {
    this.finished ??= this.layout.columns.map((column, c) =>
      column.type === "string" ? this.utf8Column(c) : this.numberColumn(c, column.type as NumberColumn["type"]),
    );
    return this.finished;
  }

  private utf8Column(c: number): Utf8Column {
    const { kind, start, end, capacity } = this.slots;
    const bytes = this.arena.bytes;
    const rows = this.length;
    let byteLength = 0;
    for (let r = 0; r < rows; r++) {
      const s = c * capacity + r;
      if (kind[s] !== SlotKind.Null) byteLength += (end[s] as number) - (start[s] as number);
    }
    const out = new Uint8Array(byteLength);
    const offsets = new Int32Array(rows + 1);
    const validity = new Uint8Array((rows + 7) >> 3);
    let nullCount = 0;
    let at = 0;
    for (let r = 0; r < rows; r++) {
      const s = c * capacity + r;
      if (kind[s] === SlotKind.Null) nullCount++;
      else {
        out.set(bytes.subarray(start[s] as number, end[s] as number), at);
        at += (end[s] as number) - (start[s] as number);
        validity[r >> 3] = (validity[r >> 3] as number) | (1 << (r & 7));
      }
      offsets[r + 1] = at;
    }
    // Arrow leaves the bitmap out when nothing is null; so do we, which keeps files byte-identical.
    return { type: "string", bytes: out, offsets, validity: nullCount === 0 ? undefined : validity, nullCount };
  }

  private numberColumn(c: number, type: NumberColumn["type"]): NumberColumn {
    const { kind, num, capacity } = this.slots;
    const rows = this.length;
    const values = new Float64Array(rows);
    const validity = new Uint8Array((rows + 7) >> 3);
    let nullCount = 0;
    for (let r = 0; r < rows; r++) {
      const s = c * capacity + r;
      if (kind[s] === SlotKind.Null) nullCount++;
      else {
        values[r] = num[s] as number;
        validity[r >> 3] = (validity[r >> 3] as number) | (1 << (r & 7));
      }
    }
    return { type, values, validity: nullCount === 0 ? undefined : validity, nullCount };
  }

  /** The rows back as StorageRow objects (timestamps as epoch ms): for tests, logs and tools. */
  toRows(): StorageRow[] {
    const columns = this.columns();
    const rows: StorageRow[] = [];
    for (let r = 0; r < this.length; r++) {
      const row: Record<string, unknown> = {};
      this.layout.columns.forEach((c, i) => {
        row[c.name] = valueAt(columns[i] as StorageColumn, r);
      });
      rows.push(row as StorageRow);
    }
    return rows;
  }

  /** One string column's values, e.g. the event ids of a batch. */
  stringValues(name: StorageColumnName): Array<string | null> {
    const column = this.columns()[this.layout.index[name] as number] as StorageColumn;
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

/**
 * Reusable memory for planning batches: the arena the records decode into and the slot tables of the
 * hour batches. Planning with a workspace reuses it, so every batch planned earlier with it is void
 * (the handler encodes a plan's objects before it plans the next event). Without reuse a Lambda-sized
 * batch allocated ~15 MB of buffers, and the garbage collector's work cost a quarter of the time.
 */
export class PlanWorkspace {
  readonly arena = new ByteArena();
  private readonly tables: SlotTable[] = [];
  private used = 0;

  constructor(readonly layout: StorageLayout = contractLayout) {}

  /** Starts over: the arena is emptied and every slot table is free again. */
  reset(): void {
    this.arena.clear();
    this.used = 0;
  }

  /** A batch over this workspace's arena and one of its slot tables. */
  batch(expectedRows: number): StorageRowBatch {
    let slots = this.tables[this.used];
    if (slots === undefined) {
      slots = new SlotTable(Math.max(8, expectedRows), this.layout.columns.length);
      this.tables.push(slots);
    }
    this.used++;
    return new StorageRowBatch(expectedRows, this.arena, slots, this.layout);
  }
}
