/**
 * The part of Thrift's compact protocol that Parquet's footer and page headers need, write side only:
 * structs, i32/i64 (zigzag varints), binary, bool, lists. Spec:
 * https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md
 *
 * A struct is written field by field in increasing id order; each field header carries the id as a
 * delta from the previous field of the same struct, which is why nested structs keep their own "last
 * id" on a stack.
 */

const ThriftType = {
  BoolTrue: 1,
  BoolFalse: 2,
  I32: 5,
  I64: 6,
  Binary: 8,
  List: 9,
  Struct: 12,
} as const;

const utf8 = new TextEncoder();

export class CompactWriter {
  private bytes = new Uint8Array(1024);
  private length = 0;
  private lastFieldId = 0;
  private readonly outerFieldIds: number[] = [];

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const bigger = new Uint8Array(capacity);
    bigger.set(this.bytes.subarray(0, this.length));
    this.bytes = bigger;
  }

  private byte(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  /** Unsigned LEB128 of a non-negative safe integer (lengths, sizes, zigzagged values). */
  private varint(value: number): void {
    this.reserve(10);
    let v = value;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  /** Zigzag for safe integers: 0, -1, 1, -2 … → 0, 1, 2, 3 … (arithmetic, so it holds past 32 bits). */
  private zigzag(value: number): void {
    this.varint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  private fieldHeader(id: number, type: number): void {
    const delta = id - this.lastFieldId;
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.zigzag(id);
    }
    this.lastFieldId = id;
  }

  i32(id: number, value: number): this {
    this.fieldHeader(id, ThriftType.I32);
    this.zigzag(value);
    return this;
  }

  i64(id: number, value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`i64 field ${id}: ${value} is not a safe integer`);
    this.fieldHeader(id, ThriftType.I64);
    this.zigzag(value);
    return this;
  }

  bool(id: number, value: boolean): this {
    this.fieldHeader(id, value ? ThriftType.BoolTrue : ThriftType.BoolFalse);
    return this;
  }

  binary(id: number, value: Uint8Array | string): this {
    this.fieldHeader(id, ThriftType.Binary);
    this.rawBinary(typeof value === "string" ? utf8.encode(value) : value);
    return this;
  }

  private rawBinary(value: Uint8Array): void {
    this.varint(value.length);
    this.reserve(value.length);
    this.bytes.set(value, this.length);
    this.length += value.length;
  }

  /** A nested struct field: `write` writes its fields. */
  struct(id: number, write: (w: this) => void): this {
    this.fieldHeader(id, ThriftType.Struct);
    this.structBody(write);
    return this;
  }

  private structBody(write: (w: this) => void): void {
    this.outerFieldIds.push(this.lastFieldId);
    this.lastFieldId = 0;
    write(this);
    this.byte(0); // stop
    this.lastFieldId = this.outerFieldIds.pop() as number;
  }

  private listHeader(id: number, size: number, elementType: number): void {
    this.fieldHeader(id, ThriftType.List);
    if (size < 15) this.byte((size << 4) | elementType);
    else {
      this.byte(0xf0 | elementType);
      this.varint(size);
    }
  }

  structList<T>(id: number, items: readonly T[], write: (w: this, item: T) => void): this {
    this.listHeader(id, items.length, ThriftType.Struct);
    for (const item of items) this.structBody((w) => write(w, item));
    return this;
  }

  i32List(id: number, items: readonly number[]): this {
    this.listHeader(id, items.length, ThriftType.I32);
    for (const item of items) this.zigzag(item);
    return this;
  }

  stringList(id: number, items: readonly string[]): this {
    this.listHeader(id, items.length, ThriftType.Binary);
    for (const item of items) this.rawBinary(utf8.encode(item));
    return this;
  }

  /** Ends the top-level struct and returns its bytes. */
  finish(): Uint8Array {
    this.byte(0);
    return this.bytes.subarray(0, this.length);
  }
}

/** One top-level struct's bytes. */
export function thriftStruct(write: (w: CompactWriter) => void): Uint8Array {
  const writer = new CompactWriter();
  write(writer);
  return writer.finish();
}
