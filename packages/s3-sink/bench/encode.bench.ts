/**
 * Encode benchmark: events/s for decode (Kafka record → storage row) and for encode (rows → ZSTD
 * Parquet), and bytes per event against the raw CollectedEvent JSON. One process, one core.
 *
 *   pnpm --filter @shop/s3-sink bench [-- --events 100000 --rounds 5]
 *
 * Events are the contract's fixtures with per-event ids, users, sessions, products, amounts and
 * timestamps varied by a seeded generator, so compression is not flattered by identical rows.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { parseArgs } from "node:util";
import type { CollectedEvent, StorageRow } from "@shop/event-schema";
import { createRecordDecoder } from "../src/core/decode.js";
import type { MskRecord } from "../src/core/msk-event.js";
import { encodeParquet } from "../src/parquet/encode.js";

const { values } = parseArgs({
  options: { events: { type: "string", default: "100000" }, rounds: { type: "string", default: "5" } },
});
const eventCount = Number(values.events);
const rounds = Number(values.rounds);

const require = createRequire(import.meta.url);
const fixtures = JSON.parse(
  readFileSync(require.resolve("@shop/event-schema/fixtures/wire/valid.json"), "utf8"),
) as Array<{
  event: Record<string, unknown>;
}>;

/** mulberry32: a tiny seeded PRNG, so every run benchmarks the same data. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(n: number): string[] {
  const random = prng(42);
  const pick = (max: number) => Math.floor(random() * max);
  const start = Date.parse("2026-11-28T00:00:00.000Z");
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
      messageId: `0190f7a0-${i.toString(16).padStart(8, "0")}-7000-8000-${pick(2 ** 32)
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

const json = generate(eventCount);
const jsonBytes = json.reduce((n, s) => n + Buffer.byteLength(s), 0);
const records: MskRecord[] = json.map((text, offset) => ({
  topic: "events.raw",
  partition: 0,
  offset,
  timestamp: 0,
  timestampType: "CREATE_TIME",
  value: Buffer.from(text).toString("base64"),
}));

const decode = createRecordDecoder();
/** CPU milliseconds of this process: with other work on the machine, wall time overstates the cost. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

// Baseline: JSON.parse alone, the floor under any decode of the same records.
const parseCpuMs: number[] = [];
for (let r = 0; r < rounds; r++) {
  const c = cpuMs();
  for (const text of json) JSON.parse(text);
  parseCpuMs.push(cpuMs() - c);
}

const decodeMs: number[] = [];
const decodeCpuMs: number[] = [];
let rows: StorageRow[] = [];
for (let r = 0; r < rounds; r++) {
  const t = performance.now();
  const c = cpuMs();
  rows = [];
  for (const record of records) {
    const d = decode(record);
    if (d.ok) rows.push(d.row);
  }
  decodeMs.push(performance.now() - t);
  decodeCpuMs.push(cpuMs() - c);
}
if (rows.length !== eventCount) throw new Error(`decoded ${rows.length} of ${eventCount}`);

const encodeMs: number[] = [];
const encodeCpuMs: number[] = [];
let parquetBytes = 0;
for (let r = 0; r < rounds; r++) {
  const t = performance.now();
  const c = cpuMs();
  parquetBytes = encodeParquet(rows).byteLength;
  encodeMs.push(performance.now() - t);
  encodeCpuMs.push(cpuMs() - c);
}

const perSecond = (ms: number) => Math.round(eventCount / (ms / 1000));
const result = {
  events: eventCount,
  rounds,
  decodeEventsPerSecond: perSecond(median(decodeMs)),
  encodeEventsPerSecond: perSecond(median(encodeMs)),
  decodeAndEncodeEventsPerSecond: perSecond(median(decodeMs) + median(encodeMs)),
  baselineJsonParseEventsPerCpuSecond: perSecond(median(parseCpuMs)),
  decodeEventsPerCpuSecond: perSecond(median(decodeCpuMs)),
  encodeEventsPerCpuSecond: perSecond(median(encodeCpuMs)),
  loadAverage1m: os.loadavg()[0],
  jsonBytesPerEvent: +(jsonBytes / eventCount).toFixed(1),
  parquetBytesPerEvent: +(parquetBytes / eventCount).toFixed(1),
  jsonToParquetRatio: +(jsonBytes / parquetBytes).toFixed(1),
};
console.log(JSON.stringify(result, null, 2));
