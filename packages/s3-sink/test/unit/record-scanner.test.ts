import { type ColumnMapping, eventNames, type StorageRow, storageMapping } from "@shop/event-schema";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StorageRowBatch } from "../../src/columnar/storage-row-batch.js";
import { createRecordDecoder } from "../../src/core/decode.js";
import type { MskRecord } from "../../src/core/msk-event.js";
import { createRecordScanner } from "../../src/core/record-scanner.js";
import { encodeParquet } from "../../src/parquet/encode.js";
import { collectFixture, expectedFixtureRows, validWireFixtures } from "../support/contract-fixtures.js";
import { generateEvents, prng } from "../support/generated-events.js";

/**
 * The scanner's contract: whenever it accepts a record, its row is exactly the reference path's row
 * (TextDecoder → JSON.parse → CollectedEvent check → toStorageRow). Checked on the contract fixtures,
 * on generated events, and on thousands of records mutated at random, both as objects (then
 * JSON.stringify, so most stay in the form the scanner accepts) and as bytes (whitespace, escapes,
 * number forms, broken UTF-8, truncation), where it must give up rather than disagree.
 */

const decode = createRecordDecoder();
const scanner = createRecordScanner();

const record = (bytes: Uint8Array, offset = 0): MskRecord => ({
  topic: "t",
  partition: 0,
  offset,
  timestamp: Date.parse("2026-11-28T12:00:00.000Z"),
  timestampType: "CREATE_TIME",
  value: Buffer.from(bytes).toString("base64"),
});

/** -0 and 0 differ in a file; keep them apart when comparing. */
const exact = (row: StorageRow | undefined) =>
  Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Object.is(v, -0) ? "-0" : v]));

type Outcome = "accepted" | "gave-up";

/** Runs both paths on `bytes`; when the scanner accepts, the rows must be equal. */
function compare(bytes: Uint8Array, label: string): Outcome {
  const buffer = Buffer.from(bytes);
  const scanned = scanner.scan(buffer, 0, buffer.length);
  if (!scanned) return "gave-up";
  const reference = decode(record(buffer));
  expect(reference.ok, `${label}: scanner accepted what the reference path rejects: ${buffer}`).toBe(true);
  if (!reference.ok) return "accepted";
  const fast = new StorageRowBatch();
  fast.appendScanned(buffer, scanner.row);
  expect(exact(fast.toRows()[0]), `${label}: ${buffer}`).toEqual(exact(reference.row));
  return "accepted";
}

const sourcePaths = (column: ColumnMapping): readonly string[] => ("from" in column ? column.from : []);
const textOf = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8");
const clone = <T>(value: T): T => structuredClone(value);

describe("record scanner", () => {
  it("accepts every contract fixture and gives the contract's storage row", () => {
    validWireFixtures.forEach((fixture, i) => {
      const bytes = textOf(collectFixture(fixture));
      expect(scanner.scan(bytes, 0, bytes.length), fixture.name).toBe(true);
      const batch = new StorageRowBatch();
      batch.appendScanned(bytes, scanner.row);
      expect(exact(batch.toRows()[0]), fixture.name).toEqual(exact(expectedFixtureRows[i]));
    });
  });

  it("accepts generated events and agrees with the reference path, down to the Parquet bytes", () => {
    const texts = generateEvents(3_000);
    const fast = new StorageRowBatch();
    const reference = new StorageRowBatch();
    texts.forEach((text, i) => {
      const bytes = Buffer.from(text);
      expect(scanner.scan(bytes, 0, bytes.length)).toBe(true);
      fast.appendScanned(bytes, scanner.row);
      const decoded = decode(record(bytes, i));
      if (!decoded.ok) throw new Error(decoded.deadLetter.reason.message);
      reference.appendRow(decoded.row);
    });
    expect(Buffer.from(encodeParquet(fast)).equals(Buffer.from(encodeParquet(reference)))).toBe(true);
  }, 30_000);

  it("mirrors the mapping's derived values: fallbacks, event filters, revenue sign, upper-cased codes", () => {
    const base = collectFixture(validWireFixtures[1] as (typeof validWireFixtures)[0]);
    const variants: Array<[string, (c: typeof base & { event: Record<string, unknown> }) => void]> = [
      ["name when event is absent", (c) => Object.assign(c.event, { event: undefined, name: "Home" })],
      ["event wins over name", (c) => Object.assign(c.event, { event: "Order Completed", name: "x" })],
      ["event null falls to name", (c) => Object.assign(c.event, { event: null, name: "n" })],
      ["event number as text", (c) => Object.assign(c.event, { event: 42.5 })],
      ["event object counts as absent", (c) => Object.assign(c.event, { event: { a: 1 }, name: "n" })],
      ["refund is negative", (c) => Object.assign(c.event, { event: "Order Refunded", properties: { revenue: 12.5 } })],
      ["refund of a negative", (c) => Object.assign(c.event, { event: "Order Refunded", properties: { revenue: -3 } })],
      ["total when no revenue", (c) => Object.assign(c.event, { event: "Order Completed", properties: { total: 99 } })],
      [
        "string revenue falls to total",
        (c) => Object.assign(c.event, { event: "Order Completed", properties: { revenue: "9", total: 8 } }),
      ],
      [
        "no revenue outside order events",
        (c) => Object.assign(c.event, { event: "Product Viewed", properties: { revenue: 9 } }),
      ],
      [
        "a checkout's amount is checkout_value, not revenue",
        (c) => Object.assign(c.event, { event: "Checkout Started", properties: { value: 9, currency: "eur" } }),
      ],
      [
        "a page named like an order event fills no revenue",
        (c) =>
          Object.assign(c.event, {
            type: "page",
            event: undefined,
            name: "Order Completed",
            properties: { revenue: 9 },
          }),
      ],
      [
        "one key, two columns: status of a payment and of a sign-in",
        (c) => Object.assign(c.event, { event: "Payment Attempted", properties: { status: "declined", amount: 12 } }),
      ],
      [
        "sign-in status",
        (c) => Object.assign(c.event, { event: "Signed In", properties: { status: "failed", method: "google" } }),
      ],
      [
        "country codes upper-cased",
        (c) =>
          Object.assign(c.event, { properties: { card_country: "us", billing_country: "br", shipping_country: "Pt" } }),
      ],
      [
        "created_at from context.traits when the event has no traits",
        (c) => Object.assign(c.event, { context: { traits: { created_at: "2025-01-01T00:00:00.000Z" } } }),
      ],
      [
        "created_at of a group's traits is not the user's",
        (c) => Object.assign(c.event, { type: "group", traits: { created_at: "2025-01-01T00:00:00.000Z" } }),
      ],
      ["geo country", (c) => Object.assign(c.enrichment, { geoCountry: "BR" })],
      ["currency upper-cased", (c) => Object.assign(c.event, { properties: { currency: "brl" } })],
      ["currency number", (c) => Object.assign(c.event, { properties: { currency: 978 } })],
      ["quantity not int32", (c) => Object.assign(c.event, { properties: { quantity: 2 ** 31 } })],
      ["quantity fraction", (c) => Object.assign(c.event, { properties: { quantity: 1.5 } })],
      ["quantity negative int32 bound", (c) => Object.assign(c.event, { properties: { quantity: -(2 ** 31) } })],
      [
        "timestamp null falls to originalTimestamp",
        (c) => Object.assign(c.event, { timestamp: null, originalTimestamp: "2026-11-28T09:00:00.000Z" }),
      ],
      [
        "timestamp number is no timestamp: falls to originalTimestamp",
        (c) => Object.assign(c.event, { timestamp: 5, originalTimestamp: "2026-11-28T09:00:00.000Z" }),
      ],
      ["sentAt boolean is null", (c) => Object.assign(c.event, { sentAt: true })],
      ["timestamp without millis", (c) => Object.assign(c.event, { timestamp: "2026-11-28T09:00:00Z" })],
      ["leap day", (c) => Object.assign(c.event, { timestamp: "2024-02-29T23:59:59.999Z" })],
      ["context not an object", (c) => Object.assign(c.event, { context: [1, 2] })],
      ["page not an object", (c) => Object.assign(c.event, { context: { page: "x", locale: "de" } })],
      ["traits", (c) => Object.assign(c.event, { traits: { email: "a@b.example", plan: { tier: 2, tags: ["x"] } } })],
      [
        "properties with nested arrays and unicode",
        (c) => Object.assign(c.event, { properties: { items: [{ sku: "Ä-1", n: 0.5 }], title: "Café ☕" } }),
      ],
      [
        "enrichment without optional fields",
        (c) => Object.assign(c, { enrichment: { eventTs: c.enrichment.eventTs } }),
      ],
      ["isBot true", (c) => Object.assign(c.enrichment, { isBot: true })],
      ["session seq", (c) => Object.assign(c.event, { context: { session: { id: "s", seq: 7 } } })],
      [
        "__proto__ key inside properties",
        (c) => Object.assign(c.event, { properties: JSON.parse('{"__proto__":{"x":1},"sku":"s"}') }),
      ],
      ["number values in str columns", (c) => Object.assign(c.event, { anonymousId: 123, userId: -0.25 })],
    ];
    for (const [label, mutate] of variants) {
      const collected = clone(base) as typeof base & { event: Record<string, unknown> };
      mutate(collected);
      expect(compare(textOf(collected), label), `${label} should take the fast path`).toBe("accepted");
    }
  });

  it("gives up (and so never disagrees) on what it cannot prove equal", () => {
    // "product viewed": it has the strings, numbers and currency the cases below rewrite.
    const good = JSON.stringify(collectFixture(validWireFixtures[1] as (typeof validWireFixtures)[0]));
    const cases: Array<[string, string | Uint8Array]> = [
      ["whitespace", good.replace('"type":', ' "type" : ')],
      ["escape in a string", good.replace('"Shoes"', '"Sh\\u006fes"')],
      ["duplicate key", good.replace('"properties":{', '"properties":{"sku":"a","sku":"b",')],
      ["duplicate unknown key in context", good.replace('"context":{', '"context":{"z":1,"z":2,')],
      ["integer-like key", good.replace('"properties":{', '"properties":{"b":1,"7":2,')],
      ["exponent", good.replace(/"price":[0-9.]+/, '"price":1e2')],
      ["trailing zero", good.replace(/"price":[0-9.]+/, '"price":1.50')],
      ["negative zero", good.replace(/"price":[0-9.]+/, '"price":-0')],
      ["16 digits", good.replace(/"price":[0-9.]+/, '"price":1234567890123456')],
      ["tiny", good.replace(/"price":[0-9.]+/, '"price":0.0000001')],
      ["offset timestamp", good.replace(/"receivedAt":"[^"]+"/, '"receivedAt":"2026-11-28T10:00:00+00:00"')],
      ["lowercase t", good.replace(/"receivedAt":"(\d{4}-\d\d-\d\d)T/, '"receivedAt":"$1t')],
      ["day 30 of February", good.replace(/"eventTs":"[^"]+"/, '"eventTs":"2026-02-30T00:00:00.000Z"')],
      ["unknown top-level key", good.replace("{", '{"x":1,')],
      ["unknown enrichment key", good.replace('"enrichment":{', '"enrichment":{"x":1,')],
      ["v is 2", good.replace('"v":1', '"v":2')],
      ["BOM", `\ufeff${good}`],
      [
        "invalid UTF-8",
        Buffer.concat([Buffer.from(good.slice(0, 40)), Buffer.from([0xff]), Buffer.from(good.slice(40))]),
      ],
      ["truncated", good.slice(0, -3)],
      ["trailing bytes", `${good}x`],
      ["non-ASCII currency", good.replace(/"currency":"[^"]+"/, '"currency":"ß"')],
      ["deep nesting", good.replace('"properties":{', `"properties":{"d":${"[".repeat(100)}${"]".repeat(100)},`)],
    ];
    for (const [label, text] of cases) {
      expect(text, `${label} changes the record`).not.toEqual(good);
      const bytes = typeof text === "string" ? Buffer.from(text) : text;
      expect(compare(bytes, label), label).toBe("gave-up");
    }
  });

  it("never disagrees with the reference path on randomly mutated records", () => {
    const random = prng(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const values: unknown[] = [
      null,
      true,
      false,
      0,
      1,
      -1,
      7,
      2 ** 31 - 1,
      2 ** 31,
      -(2 ** 31),
      1.5,
      -12.25,
      0.1,
      1e21,
      1e-7,
      0.000001,
      2 ** 60, // more digits than the scanner takes as exact
      "",
      "x",
      "ß",
      "brl",
      "Ç",
      "日本",
      'a"b',
      "\n",
      "\u2028",
      "\ud800",
      ...Object.values(eventNames),
      "track",
      "page",
      "identify",
      "2026-11-28T10:00:00Z",
      "2026-11-28T10:00:00.123Z",
      "2026-11-28T10:00:00.1Z",
      "2026-11-28T10:00:00+02:00",
      "2026-02-30T00:00:00Z",
      "0099-01-01T00:00:00Z",
      "2026-11-28t10:00:00z",
      "not a date",
      [],
      [1, "a", {}],
      {},
      { a: 1 },
      { 1: 2, b: 3 },
      { nested: { deeper: [null] } },
    ];
    // Every path the mapping reads and every object on the way, plus keys nobody maps.
    const paths = [
      ...new Set(
        storageMapping.flatMap((column) =>
          sourcePaths(column).flatMap((path) => path.split(".").map((_, i, keys) => keys.slice(0, i + 1).join("."))),
        ),
      ),
      "v",
      "enrichment.extra",
      "event.properties.extra",
      "event.traits.email",
      "event.extra",
      "extra",
    ];
    const set = (target: Record<string, unknown>, path: string, value: unknown) => {
      const keys = path.split(".");
      let at: Record<string, unknown> = target;
      for (const key of keys.slice(0, -1)) {
        const next = at[key];
        if (next === null || typeof next !== "object" || Array.isArray(next)) at[key] = {};
        at = at[key] as Record<string, unknown>;
      }
      const last = keys.at(-1) as string;
      if (random() < 0.1) delete at[last];
      else at[last] = clone(value);
    };
    const byteMutations: Array<(b: Buffer) => Buffer> = [
      (b) => {
        const at = Math.floor(random() * b.length);
        return Buffer.concat([
          b.subarray(0, at),
          Buffer.from(pick([" ", "\n", "\\", '"', ",", "}", "0", "\u00e9", "\u0000"])),
          b.subarray(at),
        ]);
      },
      (b) => {
        const copy = Buffer.from(b);
        copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
        return copy;
      },
      (b) => b.subarray(0, Math.floor(random() * b.length)),
      (b) =>
        Buffer.from(
          b.toString().replace(/:(\d+)/, (_, n) => `:${pick([`${n}.0`, `${n}e0`, `0${n}`, `-${n}`, `${n}.25`])}`),
        ),
    ];

    const bases = [
      ...validWireFixtures.map((fixture) => collectFixture(fixture) as unknown as Record<string, unknown>),
      ...generateEvents(20).map((text) => JSON.parse(text) as Record<string, unknown>),
    ];
    const counts = { objectAccepted: 0, objectGaveUp: 0, bytesAccepted: 0, bytesGaveUp: 0 };
    for (let i = 0; i < 4_000; i++) {
      const collected = clone(pick(bases));
      const mutations = 1 + Math.floor(random() * 3);
      for (let m = 0; m < mutations; m++) set(collected, pick(paths), pick(values));
      const text = textOf(collected);
      if (compare(text, `object mutation ${i}`) === "accepted") counts.objectAccepted++;
      else counts.objectGaveUp++;
      if (compare(pick(byteMutations)(text), `byte mutation ${i}`) === "accepted") counts.bytesAccepted++;
      else counts.bytesGaveUp++;
    }
    // Not vacuous: a good share of the mutated records took the fast path and were compared.
    expect(counts.objectAccepted).toBeGreaterThan(800);
    expect(counts.bytesAccepted).toBeGreaterThan(100);
  }, 60_000);

  it("agrees with the reference path on property-based events built from the mapping's paths", () => {
    const paths = storageMapping.flatMap(sourcePaths);
    const leaf = fc.oneof(
      fc.string(),
      fc.constantFrom(...Object.values(eventNames), "track", "page", "screen", "identify", "group", "BRL", "br", "ß"),
      fc.integer(),
      fc.integer({ min: -(2 ** 31) - 2, max: 2 ** 31 + 2 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc
        .date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
        .map((d) => d.toISOString()),
      fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 3 }),
    );
    const base = collectFixture(validWireFixtures[0] as (typeof validWireFixtures)[0]);
    const set = (target: Record<string, unknown>, path: string, value: unknown) => {
      const keys = path.split(".");
      let at = target;
      for (const key of keys.slice(0, -1)) {
        const next = at[key];
        if (next === null || typeof next !== "object" || Array.isArray(next)) at[key] = {};
        at = at[key] as Record<string, unknown>;
      }
      at[keys.at(-1) as string] = value;
    };
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...paths), leaf), { maxLength: 12 }), (edits) => {
        const collected = clone(base) as unknown as Record<string, unknown>;
        for (const [path, value] of edits) set(collected, path, value);
        if (compare(textOf(collected), JSON.stringify(edits)) === "accepted") accepted++;
      }),
      { numRuns: 3_000, seed: 20261202 },
    );
    // Not vacuous: most generated records took the fast path and were compared column by column.
    expect(accepted).toBeGreaterThan(1_000);
  }, 60_000);
});
