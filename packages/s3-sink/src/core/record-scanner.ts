import { isUtf8 } from "node:buffer";
import { STORAGE_SCHEMA_VERSION, storageColumns } from "@shop/event-schema";
import { COLUMN_INDEX as C, type ScannedRow, SlotKind } from "../columnar/storage-row-batch.js";

/**
 * The sink's fast path: one pass over a Kafka record's bytes that fills the storage row's columns
 * directly, with no JSON.parse, no intermediate objects and no strings. JSON.parse alone costs more
 * per event than the whole sink may spend (100,000 events per CPU-second), so the common record is
 * scanned instead of parsed.
 *
 * The rule that keeps it correct: it returns true only when its row is exactly the row the reference
 * path (TextDecoder → JSON.parse → the contract's CollectedEvent check → toStorageRow) would give.
 * It accepts the compact JSON that JSON.stringify writes, which is what the collector publishes, and
 * gives up (returns false, and the caller runs the reference path) on anything else it cannot prove
 * equal: whitespace, escapes, exponents or long numbers, duplicate keys, keys that look like array
 * indexes, timestamps in another form, an unknown top-level or enrichment key, invalid UTF-8, deep
 * nesting. Giving up is always safe; it only costs time. test/unit/record-scanner.test.ts holds the
 * two paths equal on the contract fixtures, on generated events and on thousands of mutated records.
 *
 * Why the JSON columns can be copied as raw bytes: toStorageRow writes JSON.stringify(context) etc.,
 * and for input that JSON.stringify could have written (no whitespace, no escapes, numbers in their
 * shortest form, no duplicate or integer-like keys, whose order V8 would change)
 * JSON.stringify(JSON.parse(text)) === text.
 */

/** Thrown (never as an Error: no stack trace to build) to abandon the scan. */
const GIVE_UP = Object.freeze({ giveUp: true });

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

/** What to do with a key's value. */
enum Action {
  /** toStorageRow's str(): a string, or a number as String(n); anything else null */
  Str,
  /** the contract check types it as a string: anything else gives up */
  StrictStr,
  /** messageId: a non-empty string */
  NonEmptyStr,
  /** toStorageRow's int32() */
  Int32,
  /** toStorageRow's finite() */
  Finite,
  /** an optional timestamp (epochMs(value, field, false)) */
  OptionalTimestamp,
  /** a date-time the contract check validates */
  StrictTimestamp,
  /** enrichment.isBot: a boolean */
  StrictBool,
  /** `v`: the literal 1 */
  VersionOne,
  /** a nested object whose fields are scanned; anything else counts as absent (asObject(x) ?? {}) */
  Object,
  /** a nested object the contract check requires to be an object */
  StrictObject,
}

interface Field {
  readonly name: string;
  readonly action: Action;
  /** The slot the value goes to: a storage column index, or one of the TEMP slots below. */
  readonly slot: number;
  /** The contract check requires the key. */
  readonly required?: boolean;
  /** For Object actions: the object's own fields. */
  readonly shape?: Shape;
}

interface Shape {
  /** Keys not listed: skipped (and checked) when open, give up when closed (additionalProperties: false). */
  readonly closed: boolean;
  readonly fields: readonly CompiledField[];
  /** Where the object's JSON text goes, for properties_json, traits_json and context_json. */
  readonly jsonSlot: number;
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

/** A Field ready for matching. A class, so every field has one hidden class and lookups stay monomorphic. */
class CompiledField {
  readonly name: string;
  readonly action: Action;
  readonly slot: number;
  readonly shape: Shape | undefined;
  readonly bytes: Uint8Array;
  readonly bit: number;
  constructor(
    field: Field,
    /** This field's index in its shape. */
    readonly index: number,
  ) {
    /** This field's bit in its object's "seen" mask: a second occurrence gives up. */
    this.bit = 1 << index;
    this.name = field.name;
    this.action = field.action;
    this.slot = field.slot;
    this.shape = field.shape;
    this.bytes = Buffer.from(field.name, "latin1");
  }
}

const COLUMN_COUNT = storageColumns.length;
/** Values toStorageRow combines before they become columns. */
const TEMP = {
  eventEvent: COLUMN_COUNT,
  eventName: COLUMN_COUNT + 1,
  timestamp: COLUMN_COUNT + 2,
  originalTimestamp: COLUMN_COUNT + 3,
  revenue: COLUMN_COUNT + 4,
  total: COLUMN_COUNT + 5,
  currency: COLUMN_COUNT + 6,
} as const;
const SLOT_COUNT = COLUMN_COUNT + 7;
const NO_SLOT = -1;
/** A slot kind beyond SlotKind: the key was there but its value maps to null (so `??` does not fall through). */
const PRESENT_NULL = 4;

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

function shape(fields: readonly Field[], options: { closed?: boolean; jsonSlot?: number } = {}): Shape {
  if (fields.length > 30) throw new RangeError("a shape has at most 30 fields (one bit each)");
  const compiled = fields.map((field, index) => new CompiledField(field, index));
  const byLength: CompiledField[][] = [];
  for (const field of compiled) {
    const sameLength = byLength[field.bytes.length] ?? [];
    sameLength.push(field);
    byLength[field.bytes.length] = sameLength;
  }
  return {
    closed: options.closed ?? false,
    fields: compiled,
    byLength,
    jsonSlot: options.jsonSlot ?? NO_SLOT,
    required: compiled.reduce((mask, f, i) => (fields[i]?.required ? mask | f.bit : mask), 0),
    follows: new Int8Array(compiled.length + 1).fill(-1),
  };
}

/** Byte classes inside a JSON string: 0 plain, 1 the closing quote, 2 gives up (escape, control). */
const STRING_BYTE = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) STRING_BYTE[b] = 2;
STRING_BYTE[Byte.Backslash] = 2;
STRING_BYTE[Byte.Quote] = 1;

const field = (name: string, action: Action, slot: number, required = false): Field => ({
  name,
  action,
  slot,
  required,
});
const str = (name: string, slot: number): Field => field(name, Action.Str, slot);
const nested = (name: string, of: Shape, action = Action.Object): Field => ({
  name,
  action,
  slot: of.jsonSlot,
  required: action === Action.StrictObject,
  shape: of,
});

/** The CollectedEvent as the contract check and toStorageRow read it, mirrored field by field. */
const PAGE = shape([
  str("url", C.page_url),
  str("path", C.page_path),
  str("referrer", C.page_referrer),
  str("title", C.page_title),
  str("search", C.page_search),
]);
const CAMPAIGN = shape([
  str("source", C.utm_source),
  str("medium", C.utm_medium),
  str("name", C.utm_campaign),
  str("term", C.utm_term),
  str("content", C.utm_content),
]);
const LIBRARY = shape([str("name", C.library_name), str("version", C.library_version)]);
const SESSION = shape([str("id", C.session_id), field("seq", Action.Int32, C.session_seq)]);
const CONTEXT = shape(
  [
    nested("page", PAGE),
    nested("campaign", CAMPAIGN),
    nested("library", LIBRARY),
    nested("session", SESSION),
    str("locale", C.locale),
    str("timezone", C.timezone),
    str("userAgent", C.user_agent),
  ],
  { jsonSlot: C.context_json },
);
const PROPERTIES = shape(
  [
    str("product_id", C.product_id),
    str("sku", C.product_sku),
    str("category", C.product_category),
    field("quantity", Action.Int32, C.quantity),
    str("order_id", C.order_id),
    str("checkout_id", C.checkout_id),
    field("revenue", Action.Finite, TEMP.revenue),
    field("total", Action.Finite, TEMP.total),
    str("currency", TEMP.currency),
  ],
  { jsonSlot: C.properties_json },
);
const TRAITS = shape([], { jsonSlot: C.traits_json });
const EVENT = shape([
  field("type", Action.StrictStr, C.event_type, true),
  field("messageId", Action.NonEmptyStr, C.event_id, true),
  str("event", TEMP.eventEvent),
  str("name", TEMP.eventName),
  str("anonymousId", C.anonymous_id),
  str("userId", C.user_id),
  field("timestamp", Action.OptionalTimestamp, TEMP.timestamp),
  field("originalTimestamp", Action.OptionalTimestamp, TEMP.originalTimestamp),
  field("sentAt", Action.OptionalTimestamp, C.sent_at),
  nested("context", CONTEXT),
  nested("properties", PROPERTIES),
  nested("traits", TRAITS),
]);
const ENRICHMENT = shape(
  [
    field("eventTs", Action.StrictTimestamp, C.event_ts, true),
    field("sourceId", Action.StrictStr, C.source_id),
    field("ipAnonymized", Action.StrictStr, C.ip_anonymized),
    field("browser", Action.StrictStr, C.ua_browser),
    field("browserVersion", Action.StrictStr, C.ua_browser_version),
    field("os", Action.StrictStr, C.ua_os),
    field("deviceType", Action.StrictStr, C.ua_device_type),
    field("isBot", Action.StrictBool, C.is_bot),
  ],
  { closed: true },
);
const ROOT = shape(
  [
    field("v", Action.VersionOne, NO_SLOT, true),
    field("receivedAt", Action.StrictTimestamp, C.received_at, true),
    nested("enrichment", ENRICHMENT, Action.StrictObject),
    nested("event", EVENT, Action.StrictObject),
  ],
  { closed: true },
);

/** The contract's revenue rule: these event names carry revenue; a refund counts negative. */
const ORDER_EVENTS = ["Order Completed", "Order Refunded", "Order Cancelled", "Order Updated", "Checkout Started"].map(
  (name) => Buffer.from(name, "latin1"),
);
const ORDER_REFUNDED = 1;

const MAX_DEPTH = 64;
const MAX_OPEN_KEYS = 1024;
/** At most this many digits: any such decimal is the shortest form of its double, so String(n) is the text. */
const MAX_NUMBER_DIGITS = 15;
const POWERS_OF_TEN = Array.from({ length: MAX_NUMBER_DIGITS + 1 }, (_, i) => 10 ** i);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Creates a scanner with its own scratch state (reused across records; not safe to share between
 * concurrent scans, which JavaScript does not do within one thread anyway).
 */
export function createRecordScanner(): RecordScanner {
  return new RecordScanner();
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
  private readonly kind = new Uint8Array(SLOT_COUNT);
  private readonly start = new Int32Array(SLOT_COUNT);
  private readonly stop = new Int32Array(SLOT_COUNT);
  private readonly num = new Float64Array(SLOT_COUNT);
  /** The row handed out: views of the slots that are storage columns. */
  readonly row: ScannedRow = {
    kind: this.kind.subarray(0, COLUMN_COUNT),
    start: this.start.subarray(0, COLUMN_COUNT),
    end: this.stop.subarray(0, COLUMN_COUNT),
    num: this.num.subarray(0, COLUMN_COUNT),
  };

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
    try {
      if (source[start] !== Byte.OpenBrace) return false;
      this.object(ROOT);
      if (this.pos !== end) return false;
    } catch (error) {
      if (error === GIVE_UP) return false;
      throw error;
    }
    // The reference path decodes with a fatal TextDecoder first; only then can bytes be copied as text.
    if (this.nonAscii && !isUtf8(source.subarray(start, end))) return false;
    return this.finishRow();
  }

  /** What toStorageRow derives from several fields; false where only the reference path can tell. */
  private finishRow(): boolean {
    const { kind, start, stop, num } = this;
    // event_name: str(event.event) ?? str(event.name)
    const nameSlot = kind[TEMP.eventEvent] === SlotKind.Span ? TEMP.eventEvent : TEMP.eventName;
    if (kind[nameSlot] === SlotKind.Span) {
      kind[C.event_name] = SlotKind.Span;
      start[C.event_name] = start[nameSlot] as number;
      stop[C.event_name] = stop[nameSlot] as number;
    }
    // client_ts: epochMs(event.timestamp ?? event.originalTimestamp)
    const tsSlot = kind[TEMP.timestamp] === SlotKind.Null ? TEMP.originalTimestamp : TEMP.timestamp;
    if (kind[tsSlot] === SlotKind.Number) {
      kind[C.client_ts] = SlotKind.Number;
      num[C.client_ts] = num[tsSlot] as number;
    }
    // sent_at may be PRESENT_NULL; columns know only null
    if (kind[C.sent_at] === PRESENT_NULL) kind[C.sent_at] = SlotKind.Null;
    // revenue: for order events, finite(revenue) ?? finite(total), negative for a refund
    const order = kind[C.event_name] === SlotKind.Span ? this.orderEvent(start[C.event_name], stop[C.event_name]) : -1;
    if (order >= 0) {
      const amountSlot =
        kind[TEMP.revenue] === SlotKind.Number
          ? TEMP.revenue
          : kind[TEMP.total] === SlotKind.Number
            ? TEMP.total
            : NO_SLOT;
      if (amountSlot !== NO_SLOT) {
        const amount = num[amountSlot] as number;
        kind[C.revenue] = SlotKind.Number;
        num[C.revenue] = order === ORDER_REFUNDED ? -Math.abs(amount) : amount;
      }
    }
    // currency: str(currency)?.toUpperCase(); upper-casing bytes is the same only for ASCII
    if (kind[TEMP.currency] === SlotKind.Span) {
      for (let i = start[TEMP.currency] as number; i < (stop[TEMP.currency] as number); i++) {
        if ((this.src[i] as number) >= 0x80) return false;
      }
      kind[C.currency] = SlotKind.SpanUpper;
      start[C.currency] = start[TEMP.currency] as number;
      stop[C.currency] = stop[TEMP.currency] as number;
    }
    kind[C.schema_version] = SlotKind.Number;
    num[C.schema_version] = STORAGE_SCHEMA_VERSION;
    return true;
  }

  private orderEvent(from = 0, to = 0): number {
    const n = to - from;
    for (let e = 0; e < ORDER_EVENTS.length; e++) {
      const name = ORDER_EVENTS[e] as Uint8Array;
      if (name.length !== n) continue;
      let i = 0;
      while (i < n && this.src[from + i] === name[i]) i++;
      if (i === n) return e;
    }
    return -1;
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
    const slot = field.slot;
    if (field.action === Action.Object || field.action === Action.StrictObject) {
      if (this.src[this.pos] !== Byte.OpenBrace) {
        if (field.action === Action.StrictObject) throw GIVE_UP;
        // asObject(x) ?? {}: its fields are null, and so is its JSON column.
        this.skipValue();
        return;
      }
      const from = this.pos;
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
    switch (field.action) {
      case Action.Str:
        if (type === Value.String || type === Value.Number) this.setSpan(slot, this.valueStart, this.valueEnd);
        return;
      case Action.StrictStr:
        if (type !== Value.String) throw GIVE_UP;
        this.setSpan(slot, this.valueStart, this.valueEnd);
        return;
      case Action.NonEmptyStr:
        if (type !== Value.String || this.valueEnd === this.valueStart) throw GIVE_UP;
        this.setSpan(slot, this.valueStart, this.valueEnd);
        return;
      case Action.Int32:
        if (
          type === Value.Number &&
          this.valueIsInteger &&
          this.valueNumber >= -(2 ** 31) &&
          this.valueNumber < 2 ** 31
        )
          this.setNumber(slot, this.valueNumber);
        return;
      case Action.Finite:
        if (type === Value.Number) this.setNumber(slot, this.valueNumber);
        return;
      case Action.OptionalTimestamp:
        if (type === Value.String) this.setNumber(slot, this.timestamp());
        else if (type !== Value.Null) this.kind[slot] = PRESENT_NULL;
        return;
      case Action.StrictTimestamp:
        if (type !== Value.String) throw GIVE_UP;
        this.setNumber(slot, this.timestamp());
        return;
      case Action.StrictBool:
        if (type !== Value.True && type !== Value.False) throw GIVE_UP;
        this.setNumber(slot, type === Value.True ? 1 : 0);
        return;
      case Action.VersionOne:
        if (type !== Value.Number || this.valueNumber !== 1 || this.valueEnd - this.valueStart !== 1) throw GIVE_UP;
        return;
    }
  }

  private setSpan(slot: number, from: number, to: number): void {
    this.kind[slot] = SlotKind.Span;
    this.start[slot] = from;
    this.stop[slot] = to;
  }

  private setNumber(slot: number, value: number): void {
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
