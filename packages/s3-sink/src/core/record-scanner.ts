import { isUtf8 } from "node:buffer";
import { type Coercion, CollectedEvent, isConstant, pathKeys, trackEventType } from "@shop/event-schema";
import { contractLayout, type StorageLayout } from "../columnar/layout.js";
import { type ScannedRow, SlotKind } from "../columnar/storage-row-batch.js";

/**
 * The sink's fast path: one pass over a Kafka record's bytes that fills the storage row's columns
 * directly, with no JSON.parse, no intermediate objects and no strings. JSON.parse alone costs more
 * per event than the whole sink may spend (100,000 events per CPU-second), so the common record is
 * scanned instead of parsed.
 *
 * What it reads is compiled from two pieces of data, never written here by hand: the contract's
 * storage mapping (which paths fill which columns, how they are coerced, which events fill them,
 * derived rules) and the contract's CollectedEvent schema (which keys must be there, which objects
 * are closed, which values must be strings, booleans or timestamps). toStorageRow interprets the same
 * mapping on parsed objects; a new column is a change in the mapping alone.
 *
 * The rule that keeps it correct: it returns true only when its row is exactly the row the reference
 * path (TextDecoder → JSON.parse → the contract's CollectedEvent check → toStorageRow) would give.
 * It accepts the compact JSON that JSON.stringify writes, which is what the collector publishes, and
 * gives up (returns false, and the caller runs the reference path) on anything else it cannot prove
 * equal: whitespace, escapes, exponents or long numbers, duplicate keys, keys that look like array
 * indexes, timestamps in another form, an unknown top-level or enrichment key, invalid UTF-8, deep
 * nesting, a required column left empty. Giving up is always safe; it only costs time.
 * test/unit/record-scanner.test.ts holds the two paths equal on the contract fixtures, on generated
 * events, on property-based events and on thousands of mutated records.
 *
 * Why the JSON columns can be copied as raw bytes: toStorageRow writes JSON.stringify(context) etc.,
 * and for input that JSON.stringify could have written (no whitespace, no escapes, numbers in their
 * shortest form, no duplicate or integer-like keys, whose order V8 would change)
 * JSON.stringify(JSON.parse(text)) === text.
 */

/** Thrown (never as an Error: no stack trace to build) to abandon the scan. */
const GIVE_UP = Object.freeze({ giveUp: true });

/** Raised at compile time when a mapping asks for something the scanner cannot mirror exactly. */
export class ScannerCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScannerCompileError";
  }
}

enum Byte {
  Quote = 0x22,
  Backslash = 0x5c,
  Comma = 0x2c,
  Colon = 0x3a,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
  OpenBracket = 0x5b,
  CloseBracket = 0x5d,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Nine = 0x39,
  LowerE = 0x65,
  UpperE = 0x45,
  LowerT = 0x74,
  LowerF = 0x66,
  LowerN = 0x6e,
  UpperT = 0x54,
  UpperZ = 0x5a,
}

enum Value {
  String,
  Number,
  True,
  False,
  Null,
  Object,
  Array,
}

/** What the CollectedEvent schema demands of a key's value (anything else: the check rejects it, so give up). */
enum Check {
  None,
  String,
  NonEmptyString,
  /** a date-time string: the scanner reads only the one form it can prove, and gives up on others */
  DateTime,
  Boolean,
  /** a number literal (`v: 1`) */
  Const,
}

/** The mapping's coercions as the scanner applies them at a key (upper_code upper-cases later). */
enum Take {
  /** a string, or a number as its text (String(n) of a shortest-form number is its text) */
  Str,
  Int32,
  Double,
  Timestamp,
  Boolean,
}

const TAKE: Record<Exclude<Coercion, "json_object">, Take> = {
  string: Take.Str,
  upper_code: Take.Str,
  int32: Take.Int32,
  double: Take.Double,
  timestamp: Take.Timestamp,
  boolean: Take.Boolean,
};

const NO_SLOT = -1;

interface Shape {
  /** Keys not listed: skipped (and checked) when open, give up when closed (additionalProperties: false). */
  readonly closed: boolean;
  readonly fields: readonly CompiledField[];
  /** Mask of the required fields' bits. */
  readonly required: number;
  /** The fields by name length (in bytes), for matching a key with one or two comparisons. */
  readonly byLength: ReadonlyArray<readonly CompiledField[] | undefined>;
  /**
   * A guess, learned as records go by: follows[0] is the index of the field that came first last
   * time, follows[i + 1] the one that came after field i (-1: none yet). Producers write keys in one
   * order, so the guess is mostly right and a key is matched in one pass over its bytes. Only a
   * hint: a wrong guess falls back to the full match.
   */
  readonly follows: Int8Array;
}

/** A key's plan, mutable only while compiling. */
interface FieldPlan {
  check: Check;
  constant: number;
  required: boolean;
  /** The schema requires an object here. */
  objectRequired: boolean;
  closed: boolean;
  /** Where the object's JSON text goes (json_object), or NO_SLOT. */
  jsonSlot: number;
  targets: Array<{ slot: number; take: Take }>;
  children: Map<string, FieldPlan>;
}

/** A key ready for matching. A class, so every field has one hidden class and lookups stay monomorphic. */
class CompiledField {
  readonly bytes: Uint8Array;
  /** This field's bit in its object's "seen" mask: a second occurrence gives up. */
  readonly bit: number;
  readonly check: Check;
  readonly constant: number;
  /** An object is expected here: its fields are read (shape) and/or its text copied (jsonSlot). */
  readonly isObject: boolean;
  readonly objectRequired: boolean;
  readonly jsonSlot: number;
  readonly shape: Shape | undefined;
  /** The slot and coercion of the column this key feeds (NO_SLOT: none), then any further ones. */
  readonly slot: number;
  readonly take: Take;
  readonly moreSlots: Int32Array | undefined;
  readonly moreTakes: Uint8Array;
  constructor(
    readonly name: string,
    plan: FieldPlan,
    /** This field's index in its shape. */
    readonly index: number,
  ) {
    this.bytes = Buffer.from(name, "latin1");
    this.bit = 1 << index;
    this.check = plan.check;
    this.constant = plan.constant;
    this.objectRequired = plan.objectRequired;
    this.jsonSlot = plan.jsonSlot;
    this.isObject = plan.objectRequired || plan.jsonSlot !== NO_SLOT || plan.children.size > 0;
    this.shape = this.isObject ? compileShape(plan) : undefined;
    const [first, ...rest] = plan.targets;
    this.slot = first?.slot ?? NO_SLOT;
    this.take = first?.take ?? Take.Str;
    this.moreSlots = rest.length > 0 ? Int32Array.from(rest.map((t) => t.slot)) : undefined;
    this.moreTakes = Uint8Array.from(rest.map((t) => t.take));
    if (this.isObject && plan.targets.length > 0) {
      throw new ScannerCompileError(`"${name}" is read both as an object and as a value`);
    }
  }
}

function compileShape(plan: FieldPlan): Shape {
  if (plan.children.size > 30) throw new ScannerCompileError("an object has at most 30 known keys (one bit each)");
  const fields = [...plan.children].map(([name, child], index) => new CompiledField(name, child, index));
  const byLength: CompiledField[][] = [];
  for (const field of fields) {
    const sameLength = byLength[field.bytes.length] ?? [];
    sameLength.push(field);
    byLength[field.bytes.length] = sameLength;
  }
  return {
    closed: plan.closed,
    fields,
    byLength,
    required: [...plan.children.values()].reduce((mask, c, i) => (c.required ? mask | (1 << i) : mask), 0),
    follows: new Int8Array(fields.length + 1).fill(-1),
  };
}

const emptyPlan = (): FieldPlan => ({
  check: Check.None,
  constant: 0,
  required: false,
  objectRequired: false,
  closed: false,
  jsonSlot: NO_SLOT,
  targets: [],
  children: new Map(),
});

const SCHEMA_KEYWORDS = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "format",
  "minLength",
  "const",
  "$id",
]);

/**
 * The CollectedEvent schema as key plans: what the reference path's check demands, which the scanner
 * must enforce (give up) where it would reject. A keyword it cannot check on bytes (a pattern, a
 * union) fails here, at compile time, rather than letting the two paths disagree.
 */
function planFromSchema(schema: Record<string, unknown>, plan: FieldPlan, at: string): void {
  for (const key of Object.keys(schema)) {
    if (!SCHEMA_KEYWORDS.has(key)) throw new ScannerCompileError(`${at}: the scanner cannot check "${key}"`);
  }
  if ("const" in schema) {
    if (typeof schema.const !== "number") throw new ScannerCompileError(`${at}: only number constants`);
    plan.check = Check.Const;
    plan.constant = schema.const;
    return;
  }
  switch (schema.type) {
    case "object": {
      plan.objectRequired = true;
      plan.closed = schema.additionalProperties === false;
      const required = new Set((schema.required as string[] | undefined) ?? []);
      for (const [key, child] of Object.entries((schema.properties as Record<string, object>) ?? {})) {
        const childPlan = emptyPlan();
        childPlan.required = required.has(key);
        planFromSchema(child as Record<string, unknown>, childPlan, `${at}.${key}`);
        plan.children.set(key, childPlan);
      }
      return;
    }
    case "string":
      if (schema.format !== undefined && schema.format !== "date-time")
        throw new ScannerCompileError(`${at}: the scanner cannot check format ${String(schema.format)}`);
      if (schema.minLength !== undefined && schema.minLength !== 1)
        throw new ScannerCompileError(`${at}: only minLength 1`);
      plan.check =
        schema.format === "date-time" ? Check.DateTime : schema.minLength === 1 ? Check.NonEmptyString : Check.String;
      return;
    case "boolean":
      plan.check = Check.Boolean;
      return;
    case undefined:
      return; // Type.Unknown: anything goes
    default:
      throw new ScannerCompileError(`${at}: the scanner cannot check type ${String(schema.type)}`);
  }
}

/** A finished column that needs work after the scan: fallbacks, event filters, derived rules. */
interface Finish {
  readonly column: number;
  /** Scratch slots of its fallback paths, in order, used when the first path left the column null. */
  readonly temps: Int32Array;
  /** Nothing but the fallback: no filter, no sign, no upper-casing. */
  readonly plain: boolean;
  /** A filter or a sign rule: the event's type and name decide. */
  readonly readsEvent: boolean;
  readonly upper: boolean;
  /** Flags by event type id / track name id (see EventIds); undefined: every event. */
  readonly types: Uint8Array | undefined;
  readonly names: Uint8Array | undefined;
  readonly negativeNames: Uint8Array | undefined;
}

/** The event types and track names filters mention, as byte strings numbered for flag lookups. */
class EventIds {
  readonly list: string[] = [];
  id(name: string): number {
    let id = this.list.indexOf(name);
    if (id < 0) id = this.list.push(name) - 1;
    return id;
  }
  flags(names: readonly string[] | undefined): Uint8Array | undefined {
    if (names === undefined) return undefined;
    const ids = names.map((n) => this.id(n));
    const flags = new Uint8Array(256);
    for (const id of ids) flags[id] = 1;
    return flags;
  }
  bytes(): Uint8Array[] {
    return this.list.map((n) => Buffer.from(n, "utf8"));
  }
}

/** A layout compiled for scanning: the root shape, slot counts and the finishing steps. */
interface ScanProgram {
  readonly root: Shape;
  readonly slotCount: number;
  readonly columnCount: number;
  /** Columns whose value is fixed by the mapping, and their values. */
  readonly constantColumns: Int32Array;
  readonly constantValues: Float64Array;
  readonly required: Int32Array;
  /** Columns with fallback paths: filled from them, when the first path gave nothing, before any filter runs. */
  readonly fallbacks: readonly Finish[];
  /** Columns with a filter, a sign rule or upper-casing (and their columns, for a quick null check). */
  readonly posts: readonly Finish[];
  readonly postColumns: Int32Array;
  readonly typeColumn: number;
  readonly nameColumn: number;
  readonly typeNames: readonly Uint8Array[];
  readonly trackNames: readonly Uint8Array[];
}

const TRACK = Buffer.from(trackEventType, "latin1");

export function compileScanProgram(layout: StorageLayout): ScanProgram {
  const root = emptyPlan();
  planFromSchema(CollectedEvent as unknown as Record<string, unknown>, root, "CollectedEvent");
  const columnCount = layout.columns.length;
  let nextTemp = columnCount;
  const types = new EventIds();
  const names = new EventIds();
  const finishes: Finish[] = [];
  const constants: Array<[number, number]> = [];
  const required: number[] = [];

  layout.mapping.forEach((column, c) => {
    if (column.required) required.push(c);
    if (isConstant(column)) {
      constants.push([c, column.constant]);
      return;
    }
    const temps: number[] = [];
    column.from.forEach((path, order) => {
      const keys = pathKeys(path);
      let plan = root;
      keys.forEach((key, depth) => {
        let child = plan.children.get(key);
        if (child === undefined) {
          if (plan.closed)
            throw new ScannerCompileError(`${path}: "${key}" is not in the closed CollectedEvent object`);
          child = emptyPlan();
          plan.children.set(key, child);
        }
        if (depth < keys.length - 1 && child.check !== Check.None)
          throw new ScannerCompileError(`${path}: "${key}" is not an object in the CollectedEvent schema`);
        plan = child;
      });
      if (column.as === "json_object") {
        if (column.from.length !== 1) throw new ScannerCompileError(`${column.name}: a JSON column has one path`);
        if (plan.jsonSlot !== NO_SLOT) throw new ScannerCompileError(`${path}: copied into two columns`);
        plan.jsonSlot = c;
        return;
      }
      // The first path writes the column itself; later ones (fallbacks) go to scratch slots.
      const slot = order === 0 ? c : nextTemp++;
      if (slot !== c) temps.push(slot);
      plan.targets.push({ slot, take: TAKE[column.as] });
    });
    const filtered = column.when !== undefined;
    if (temps.length > 0 || filtered || column.as === "upper_code" || column.negativeFor) {
      const upper = column.as === "upper_code";
      const readsEvent = filtered || column.negativeFor !== undefined;
      finishes.push({
        column: c,
        temps: Int32Array.from(temps),
        plain: !readsEvent && !upper,
        readsEvent,
        upper,
        types: filtered ? (types.flags(column.when?.types) ?? new Uint8Array(256)) : undefined,
        names: filtered ? (names.flags(column.when?.track) ?? new Uint8Array(256)) : undefined,
        negativeNames: names.flags(column.negativeFor),
      });
    }
  });
  if (types.list.length > 255 || names.list.length > 255)
    throw new ScannerCompileError("too many event names in filters");
  const typeColumn = layout.index.event_type;
  const nameColumn = layout.index.event_name;
  if (typeColumn === undefined || nameColumn === undefined) throw new ScannerCompileError("no event_type/event_name");
  const posts = finishes.filter((f) => !f.plain);
  return {
    root: compileShape(root),
    slotCount: nextTemp,
    columnCount,
    constantColumns: Int32Array.from(constants.map(([c]) => c)),
    constantValues: Float64Array.from(constants.map(([, v]) => v)),
    required: Int32Array.from(required),
    fallbacks: finishes.filter((f) => f.temps.length > 0),
    posts,
    postColumns: Int32Array.from(posts.map((f) => f.column)),
    typeColumn,
    nameColumn,
    typeNames: types.bytes(),
    trackNames: names.bytes(),
  };
}

/** Byte classes inside a JSON string: 0 plain, 1 the closing quote, 2 gives up (escape, control). */
const STRING_BYTE = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) STRING_BYTE[b] = 2;
STRING_BYTE[Byte.Backslash] = 2;
STRING_BYTE[Byte.Quote] = 1;

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

const MAX_DEPTH = 64;
const MAX_OPEN_KEYS = 1024;
/** At most this many digits: any such decimal is the shortest form of its double, so String(n) is the text. */
const MAX_NUMBER_DIGITS = 15;
const POWERS_OF_TEN = Array.from({ length: MAX_NUMBER_DIGITS + 1 }, (_, i) => 10 ** i);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const LOWEST_NON_ASCII = 0x80;

/**
 * Creates a scanner for a layout (the contract's by default) with its own scratch state, reused
 * across records; not safe to share between concurrent scans, which JavaScript does not do within one
 * thread anyway.
 */
export function createRecordScanner(layout: StorageLayout = contractLayout): RecordScanner {
  return new RecordScanner(compileScanProgram(layout));
}

export class RecordScanner {
  private src: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private end = 0;
  private depth = 0;
  private nonAscii = false;
  /** > 0 inside an object whose JSON text becomes a column: there the text must be what JSON.stringify writes. */
  private copying = 0;
  /** Hash and length of the unknown keys of the copied objects open right now, to catch duplicates. */
  private readonly keyHashes = new Int32Array(MAX_OPEN_KEYS);
  private readonly keyLengths = new Int32Array(MAX_OPEN_KEYS);
  private keyTop = 0;
  /** The last value read: its span (string contents, number text) and number. */
  private valueStart = 0;
  private valueEnd = 0;
  private valueNumber = 0;
  private valueIsInteger = false;
  private readonly kind: Uint8Array;
  private readonly start: Int32Array;
  private readonly stop: Int32Array;
  private readonly num: Float64Array;
  /** The slots set since the scan began, for appendScanned to copy only those. */
  private readonly touched: Int32Array;
  private touchedCount = 0;
  /** The row handed out: views of the slots that are storage columns. */
  readonly row: ScannedRow;

  constructor(private readonly program: ScanProgram) {
    this.kind = new Uint8Array(program.slotCount);
    this.start = new Int32Array(program.slotCount);
    this.stop = new Int32Array(program.slotCount);
    this.num = new Float64Array(program.slotCount);
    const n = program.columnCount;
    this.touched = new Int32Array(program.slotCount * 2);
    this.row = {
      kind: this.kind.subarray(0, n),
      start: this.start.subarray(0, n),
      end: this.stop.subarray(0, n),
      num: this.num.subarray(0, n),
      touched: this.touched,
      touchedCount: 0,
    };
  }

  /**
   * Scans the record text in `source[start..end)`. True: `this.row` holds exactly the storage row
   * the reference path would give (its spans point into `source`). False: run the reference path.
   */
  scan(source: Uint8Array, start: number, end: number): boolean {
    this.src = source;
    this.pos = start;
    this.end = end;
    this.depth = 0;
    this.keyTop = 0;
    this.copying = 0;
    this.nonAscii = false;
    this.kind.fill(SlotKind.Null);
    this.touchedCount = 0;
    try {
      if (source[start] !== Byte.OpenBrace) return false;
      this.object(this.program.root);
      if (this.pos !== end) return false;
    } catch (error) {
      if (error === GIVE_UP) return false;
      throw error;
    }
    // The reference path decodes with a fatal TextDecoder first; only then can bytes be copied as text.
    if (this.nonAscii && !isUtf8(source.subarray(start, end))) return false;
    return this.finishRow();
  }

  /** What the mapping derives after the scan; false where only the reference path can tell. */
  private finishRow(): boolean {
    const { kind, start, stop, num, program } = this;
    // Fallbacks: the first path whose value survived its coercion.
    const { fallbacks } = program;
    for (let f = 0; f < fallbacks.length; f++) {
      const finish = fallbacks[f] as Finish;
      const c = finish.column;
      if (kind[c] !== SlotKind.Null) continue;
      const temps = finish.temps;
      for (let t = 0; t < temps.length; t++) {
        const slot = temps[t] as number;
        if (kind[slot] === SlotKind.Null) continue;
        this.touch(c);
        kind[c] = kind[slot] as number;
        start[c] = start[slot] as number;
        stop[c] = stop[slot] as number;
        num[c] = num[slot] as number;
        break;
      }
    }
    // Filters, signs and upper-casing; most of these columns are null on most events.
    const { postColumns, posts } = program;
    let typeId = -2;
    let nameId = -1;
    for (let f = 0; f < postColumns.length; f++) {
      const c = postColumns[f] as number;
      if (kind[c] === SlotKind.Null) continue;
      const finish = posts[f] as Finish;
      if (finish.readsEvent) {
        if (typeId === -2) {
          typeId = this.eventId(program.typeColumn, program.typeNames);
          if (this.isTrack()) nameId = this.eventId(program.nameColumn, program.trackNames);
        }
        const types = finish.types;
        if (
          types !== undefined &&
          !(typeId >= 0 && types[typeId] === 1) &&
          !(nameId >= 0 && (finish.names as Uint8Array)[nameId] === 1)
        ) {
          kind[c] = SlotKind.Null;
          continue;
        }
        const negative = finish.negativeNames;
        if (negative !== undefined && nameId >= 0 && negative[nameId] === 1) num[c] = -Math.abs(num[c] as number);
      }
      // str(x).toUpperCase() is the same as upper-casing bytes only for ASCII.
      if (finish.upper && kind[c] === SlotKind.Span) {
        for (let i = start[c] as number; i < (stop[c] as number); i++) {
          if ((this.src[i] as number) >= LOWEST_NON_ASCII) return false;
        }
        kind[c] = SlotKind.SpanUpper;
      }
    }
    const { constantColumns, constantValues, required } = program;
    for (let i = 0; i < constantColumns.length; i++)
      this.setNumber(constantColumns[i] as number, constantValues[i] as number);
    for (let i = 0; i < required.length; i++) if (kind[required[i] as number] === SlotKind.Null) return false;
    this.row.touchedCount = this.touchedCount;
    return true;
  }

  private isTrack(): boolean {
    const c = this.program.typeColumn;
    return this.kind[c] === SlotKind.Span && this.spanEquals(c, TRACK);
  }

  /** The index in `names` of the string in column `c`, or -1. */
  private eventId(c: number, names: readonly Uint8Array[]): number {
    if (this.kind[c] !== SlotKind.Span) return -1;
    for (let i = 0; i < names.length; i++) if (this.spanEquals(c, names[i] as Uint8Array)) return i;
    return -1;
  }

  private spanEquals(c: number, bytes: Uint8Array): boolean {
    const from = this.start[c] as number;
    const n = (this.stop[c] as number) - from;
    if (n !== bytes.length) return false;
    for (let i = 0; i < n; i++) if (this.src[from + i] !== bytes[i]) return false;
    return true;
  }

  /** Scans an object with known fields; the position is at its "{". */
  private object(shape: Shape): void {
    if (++this.depth > MAX_DEPTH) throw GIVE_UP;
    const frame = this.keyTop;
    const src = this.src;
    const byLength = shape.byLength;
    const follows = shape.follows;
    let seen = 0;
    let previous = 0;
    this.pos++;
    if (src[this.pos] === Byte.CloseBrace) {
      this.pos++;
    } else {
      for (;;) {
        const from = this.keyStart();
        let field = this.guessedKey(shape, follows[previous] as number, from);
        const length = field === undefined ? this.keyEnd(from) : field.bytes.length;
        const candidates = field === undefined ? byLength[length] : undefined;
        if (candidates !== undefined) {
          for (let f = 0; f < candidates.length; f++) {
            const candidate = candidates[f] as CompiledField;
            const name = candidate.bytes;
            let i = 0;
            while (i < length && src[from + i] === name[i]) i++;
            if (i === length) {
              field = candidate;
              break;
            }
          }
        }
        if (field === undefined) {
          if (shape.closed) throw GIVE_UP;
          if (this.copying > 0) this.rememberKey(frame, from, length);
          this.skipValue();
        } else {
          // JSON.parse keeps the last of repeated keys; rather than mirror that, give up.
          if ((seen & field.bit) !== 0) throw GIVE_UP;
          seen |= field.bit;
          follows[previous] = field.index;
          previous = field.index + 1;
          this.readField(field);
        }
        const c = src[this.pos++];
        if (c === Byte.Comma) continue;
        if (c === Byte.CloseBrace) break;
        throw GIVE_UP;
      }
    }
    if ((seen & shape.required) !== shape.required) throw GIVE_UP;
    this.keyTop = frame;
    this.depth--;
  }

  /**
   * Whether the key at `from` is exactly the field `guess` (an index into the shape's fields, or -1):
   * its name's bytes, then the closing quote and ":". On a match the position moves past the ":".
   */
  private guessedKey(shape: Shape, guess: number, from: number): CompiledField | undefined {
    if (guess < 0) return undefined;
    const field = shape.fields[guess] as CompiledField;
    const name = field.bytes;
    const n = name.length;
    const src = this.src;
    if (from + n + 1 >= this.end || src[from + n] !== Byte.Quote || src[from + n + 1] !== Byte.Colon) return undefined;
    for (let i = 0; i < n; i++) if (src[from + i] !== name[i]) return undefined;
    this.pos = from + n + 2;
    return field;
  }

  /** At a key's opening quote: returns where its text starts. */
  private keyStart(): number {
    if (this.src[this.pos] !== Byte.Quote) throw GIVE_UP;
    return ++this.pos;
  }

  /**
   * Reads a key's text and the ":" after it; returns the key's length. Inside a copied object a key
   * starting with a digit gives up: V8 moves array-index keys to the front, so the text would change.
   */
  private keyEnd(from: number): number {
    const src = this.src;
    const p = this.closingQuote(from);
    if (this.copying > 0) {
      const first = src[from] as number;
      if (first >= Byte.Zero && first <= Byte.Nine) throw GIVE_UP;
    }
    this.pos = p + 1;
    if (src[this.pos++] !== Byte.Colon) throw GIVE_UP;
    return p - from;
  }

  /**
   * Records an unknown key of a copied object, giving up when it repeats one of the object's keys
   * (or only shares its hash: the reference path settles that).
   */
  private rememberKey(frame: number, from: number, length: number): void {
    const src = this.src;
    let h = FNV_OFFSET;
    for (let i = from; i < from + length; i++) h = Math.imul(h ^ (src[i] as number), FNV_PRIME);
    for (let k = frame; k < this.keyTop; k++) {
      if (this.keyHashes[k] === h && this.keyLengths[k] === length) throw GIVE_UP;
    }
    if (this.keyTop >= MAX_OPEN_KEYS) throw GIVE_UP;
    this.keyHashes[this.keyTop] = h;
    this.keyLengths[this.keyTop] = length;
    this.keyTop++;
  }

  private readField(field: CompiledField): void {
    if (field.isObject) {
      if (this.src[this.pos] !== Byte.OpenBrace) {
        if (field.objectRequired) throw GIVE_UP;
        // asObject(x) ?? {}: its fields are null, and so is its JSON column.
        this.skipValue();
        return;
      }
      const from = this.pos;
      const slot = field.jsonSlot;
      if (slot === NO_SLOT) this.object(field.shape as Shape);
      else {
        this.copying++;
        this.object(field.shape as Shape);
        this.copying--;
        this.setSpan(slot, from, this.pos);
      }
      return;
    }
    const type = this.value();
    let ms = Number.NaN;
    const check = field.check;
    if (check !== Check.None) {
      switch (check) {
        case Check.String:
          if (type !== Value.String) throw GIVE_UP;
          break;
        case Check.NonEmptyString:
          if (type !== Value.String || this.valueEnd === this.valueStart) throw GIVE_UP;
          break;
        case Check.DateTime:
          if (type !== Value.String) throw GIVE_UP;
          ms = this.timestamp();
          break;
        case Check.Boolean:
          if (type !== Value.True && type !== Value.False) throw GIVE_UP;
          break;
        case Check.Const:
          if (type !== Value.Number || this.valueNumber !== field.constant) throw GIVE_UP;
          break;
      }
    }
    // Nearly every key feeds one column: that one is not looped over.
    if (field.slot === NO_SLOT) return;
    ms = this.take(field.take, field.slot, type, ms);
    const more = field.moreSlots;
    if (more === undefined) return;
    for (let t = 0; t < more.length; t++) ms = this.take(field.moreTakes[t] as Take, more[t] as number, type, ms);
  }

  /** One coercion of the value just read into a slot; returns the timestamp, parsed at most once. */
  private take(take: Take, slot: number, type: Value, ms: number): number {
    switch (take) {
      case Take.Str:
        if (type === Value.String || type === Value.Number) this.setSpan(slot, this.valueStart, this.valueEnd);
        return ms;
      case Take.Int32:
        if (
          type === Value.Number &&
          this.valueIsInteger &&
          this.valueNumber >= -(2 ** 31) &&
          this.valueNumber < 2 ** 31
        )
          this.setNumber(slot, this.valueNumber);
        return ms;
      case Take.Double:
        if (type === Value.Number) this.setNumber(slot, this.valueNumber);
        return ms;
      case Take.Timestamp:
        if (type !== Value.String) return ms;
        if (Number.isNaN(ms)) ms = this.timestamp();
        this.setNumber(slot, ms);
        return ms;
      case Take.Boolean:
        if (type === Value.True || type === Value.False) this.setNumber(slot, type === Value.True ? 1 : 0);
        return ms;
    }
  }

  /** Notes a slot being set (a slot set twice is listed twice; copying it twice does no harm). */
  private touch(slot: number): void {
    this.touched[this.touchedCount++] = slot;
  }

  private setSpan(slot: number, from: number, to: number): void {
    this.touch(slot);
    this.kind[slot] = SlotKind.Span;
    this.start[slot] = from;
    this.stop[slot] = to;
  }

  private setNumber(slot: number, value: number): void {
    this.touch(slot);
    this.kind[slot] = SlotKind.Number;
    this.num[slot] = value;
  }

  /** Reads any value; strings and numbers leave their span (and number) behind. */
  private value(): Value {
    const src = this.src;
    const c = src[this.pos] as number;
    if (c === Byte.Quote) {
      this.string();
      return Value.String;
    }
    if (c === Byte.Minus || (c >= Byte.Zero && c <= Byte.Nine)) {
      this.number();
      return Value.Number;
    }
    if (c === Byte.OpenBrace) {
      this.skipObject();
      return Value.Object;
    }
    if (c === Byte.OpenBracket) {
      this.skipArray();
      return Value.Array;
    }
    if (c === Byte.LowerT) return this.literal("true", Value.True);
    if (c === Byte.LowerF) return this.literal("false", Value.False);
    if (c === Byte.LowerN) return this.literal("null", Value.Null);
    throw GIVE_UP;
  }

  private skipValue(): void {
    this.value();
  }

  private literal(text: string, type: Value): Value {
    for (let i = 0; i < text.length; i++) {
      if (this.src[this.pos + i] !== text.charCodeAt(i)) throw GIVE_UP;
    }
    this.pos += text.length;
    return type;
  }

  /** A string without escapes or control characters; the span is its contents (UTF-8 bytes). */
  private string(): void {
    this.valueStart = this.pos + 1;
    this.valueEnd = this.closingQuote(this.valueStart);
    this.pos = this.valueEnd + 1;
  }

  /**
   * From the first byte of a string's contents, the position of its closing quote; gives up on
   * escapes, control characters and an unterminated string, and notes non-ASCII contents.
   */
  private closingQuote(from: number): number {
    const src = this.src;
    const end = this.end;
    let p = from;
    let high = 0;
    for (;;) {
      if (p >= end) throw GIVE_UP;
      const c = src[p] as number;
      const type = STRING_BYTE[c];
      if (type === 1) break;
      if (type === 2) throw GIVE_UP;
      high |= c;
      p++;
    }
    if (high >= 0x80) this.nonAscii = true;
    return p;
  }

  /**
   * A number JSON.stringify would write the same way: no exponent, no "-0", no trailing zero in the
   * fraction, not below 1e-6, at most 15 digits. Such a decimal is exactly m / 10^k with both exact,
   * so one division (correctly rounded) gives the same double as Number(text).
   */
  private number(): void {
    const src = this.src;
    let p = this.pos;
    this.valueStart = p;
    const negative = src[p] === Byte.Minus;
    if (negative) p++;
    let mantissa = 0;
    let digits = 0;
    let c = src[p] as number;
    if (c === Byte.Zero) {
      p++;
      digits = 1;
      c = src[p] as number;
      if (c >= Byte.Zero && c <= Byte.Nine) throw GIVE_UP; // a leading zero is not JSON
    } else if (c > Byte.Zero && c <= Byte.Nine) {
      while (c >= Byte.Zero && c <= Byte.Nine) {
        mantissa = mantissa * 10 + (c - Byte.Zero);
        digits++;
        c = src[++p] as number;
      }
    } else throw GIVE_UP;
    const integerIsZero = mantissa === 0;
    let fractionDigits = 0;
    if (c === Byte.Dot) {
      c = src[++p] as number;
      let leadingZeros = 0;
      let last = -1;
      while (c >= Byte.Zero && c <= Byte.Nine) {
        if (c === Byte.Zero && mantissa === 0) leadingZeros++;
        mantissa = mantissa * 10 + (c - Byte.Zero);
        last = c;
        fractionDigits++;
        digits++;
        c = src[++p] as number;
      }
      if (fractionDigits === 0 || last === Byte.Zero) throw GIVE_UP;
      // 0.000001 prints as itself, 0.0000001 as 1e-7
      if (integerIsZero && leadingZeros > 5) throw GIVE_UP;
    }
    if (c === Byte.LowerE || c === Byte.UpperE) throw GIVE_UP;
    if (digits > MAX_NUMBER_DIGITS) throw GIVE_UP;
    if (negative && mantissa === 0) throw GIVE_UP;
    const magnitude = fractionDigits === 0 ? mantissa : mantissa / (POWERS_OF_TEN[fractionDigits] as number);
    this.valueNumber = negative ? -magnitude : magnitude;
    this.valueIsInteger = fractionDigits === 0;
    this.valueEnd = p;
    this.pos = p;
  }

  /** An object whose fields do not matter: checked, and inside a copied object held to the same rules. */
  private skipObject(): void {
    if (++this.depth > MAX_DEPTH) throw GIVE_UP;
    const frame = this.keyTop;
    const src = this.src;
    this.pos++;
    if (src[this.pos] === Byte.CloseBrace) {
      this.pos++;
    } else {
      for (;;) {
        const from = this.keyStart();
        const length = this.keyEnd(from);
        if (this.copying > 0) this.rememberKey(frame, from, length);
        this.skipValue();
        const c = src[this.pos++];
        if (c === Byte.Comma) continue;
        if (c === Byte.CloseBrace) break;
        throw GIVE_UP;
      }
    }
    this.keyTop = frame;
    this.depth--;
  }

  private skipArray(): void {
    if (++this.depth > MAX_DEPTH) throw GIVE_UP;
    const src = this.src;
    this.pos++;
    if (src[this.pos] === Byte.CloseBracket) {
      this.pos++;
    } else {
      for (;;) {
        this.skipValue();
        const c = src[this.pos++];
        if (c === Byte.Comma) continue;
        if (c === Byte.CloseBracket) break;
        throw GIVE_UP;
      }
    }
    this.depth--;
  }

  /**
   * `YYYY-MM-DDTHH:MM:SS[.mmm]Z` to epoch ms, the one form this takes: it passes the contract's
   * date-time check and Date.parse reads it as exactly this UTC instant. Any other form gives up.
   */
  private timestamp(): number {
    const src = this.src;
    const p = this.valueStart;
    const length = this.valueEnd - p;
    if (length !== 20 && length !== 24) throw GIVE_UP;
    if (
      src[p + 4] !== Byte.Minus ||
      src[p + 7] !== Byte.Minus ||
      src[p + 10] !== Byte.UpperT ||
      src[p + 13] !== Byte.Colon ||
      src[p + 16] !== Byte.Colon ||
      src[p + length - 1] !== Byte.UpperZ
    )
      throw GIVE_UP;
    const year = this.digits(p, 4);
    const month = this.digits(p + 5, 2);
    const day = this.digits(p + 8, 2);
    const hour = this.digits(p + 11, 2);
    const minute = this.digits(p + 14, 2);
    const second = this.digits(p + 17, 2);
    let ms = 0;
    if (length === 24) {
      if (src[p + 19] !== Byte.Dot) throw GIVE_UP;
      ms = this.digits(p + 20, 3);
    }
    // Date.UTC maps years 0-99 to 1900-1999, and Date.parse rolls day 31 of a short month over.
    if (year < 1000 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) throw GIVE_UP;
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (day > (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number))) throw GIVE_UP;
    return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
  }

  /** `count` ASCII digits at `at` as a number. */
  private digits(at: number, count: number): number {
    let n = 0;
    for (let i = at; i < at + count; i++) {
      const c = (this.src[i] as number) - Byte.Zero;
      if (c < 0 || c > 9) throw GIVE_UP;
      n = n * 10 + c;
    }
    return n;
  }
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil): what Date.UTC
 * computes, without its call cost.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
