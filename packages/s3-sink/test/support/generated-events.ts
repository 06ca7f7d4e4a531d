/**
 * Generated events for the benchmarks and for tests that need many realistic records: the contract's
 * wire fixtures with per-event ids, users, sessions, products, amounts and timestamps varied by a
 * seeded generator, so every run sees the same events and compression is not flattered by identical
 * rows. Events spread evenly over three hours from 2026-11-28T00:00Z.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { CollectedEvent } from "@shop/event-schema";
import type { MskEvent, MskRecord } from "../../src/core/msk-event.js";

const require = createRequire(import.meta.url);
const fixtures = JSON.parse(
  readFileSync(require.resolve("@shop/event-schema/fixtures/wire/valid.json"), "utf8"),
) as Array<{ event: Record<string, unknown> }>;

/** mulberry32: a tiny seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` CollectedEvent JSON texts, as the collector publishes them. `idPrefix` makes ids unique per run. */
export function generateEvents(
  n: number,
  idPrefix = "0190f7a0",
  start = Date.parse("2026-11-28T00:00:00.000Z"),
): string[] {
  const random = prng(42);
  const pick = (max: number) => Math.floor(random() * max);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const base = structuredClone(fixtures[i % fixtures.length]?.event ?? {});
    const ts = new Date(start + Math.floor((i / n) * 3 * 3_600_000) + pick(1000)).toISOString();
    const user = pick(5_000);
    const context = (base.context ?? {}) as Record<string, unknown>;
    context.session = { id: `sess-${user}-${pick(3)}`, seq: pick(200) };
    const properties = base.properties as Record<string, unknown> | undefined;
    if (properties && "product_id" in properties) properties.product_id = `sku-${pick(2_000)}`;
    if (properties && "order_id" in properties) properties.order_id = `ord-${i}`;
    if (properties && "revenue" in properties) properties.revenue = Math.round(random() * 50_000) / 100;
    const event = {
      ...base,
      messageId: `${idPrefix}-${i.toString(16).padStart(8, "0")}-7000-8000-${pick(2 ** 32)
        .toString(16)
        .padStart(12, "0")}`,
      anonymousId: `anon-${user}`,
      timestamp: ts,
      sentAt: ts,
      context,
    };
    const collected: CollectedEvent = {
      v: 1,
      receivedAt: new Date(Date.parse(ts) + 150 + pick(500)).toISOString(),
      enrichment: {
        eventTs: ts,
        sourceId: "bench-source",
        ipAnonymized: `198.51.100.${pick(255)}`,
        browser: "Chrome",
        os: "Linux",
        deviceType: "desktop",
        isBot: false,
      },
      event: event as unknown as CollectedEvent["event"],
    };
    out.push(JSON.stringify(collected));
  }
  return out;
}

/** The texts as Lambda Kafka events of up to `batchSize` records each (one topic-partition). */
export function mskBatches(texts: readonly string[], batchSize: number, topic = "events.raw"): MskEvent[] {
  const events: MskEvent[] = [];
  for (let from = 0; from < texts.length; from += batchSize) {
    const records: MskRecord[] = texts.slice(from, from + batchSize).map((text, i) => ({
      topic,
      partition: 0,
      offset: from + i,
      timestamp: 0,
      timestampType: "CREATE_TIME",
      key: null,
      value: Buffer.from(text).toString("base64"),
      headers: [],
    }));
    events.push({ eventSource: "aws:kafka", records: { [`${topic}-0`]: records } });
  }
  return events;
}
