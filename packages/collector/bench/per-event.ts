import { findCardNumberInEvent, type WireEvent } from "@shop/event-schema";
import { createEventValidator } from "@shop/event-schema/validate";
import { loadConfig } from "../src/config.js";
import { collectorFor } from "../src/enrich/collect.js";
import { publicLookupAddress } from "../src/enrich/geo-country.js";
import { createUserAgentCache } from "../src/enrich/user-agent.js";
import { makeBodies } from "./bodies.js";

/**
 * What the country lookup and the card-number check add to the collector's own per-event work, in
 * one process, no HTTP or Kafka: `tsx bench/per-event.ts`. Each variant parses the bench's batch-20
 * bodies, validates every event (the contract's validator, card-number check included) and writes
 * its record, as the ingest route does; the card-number check is also timed alone, so the cost
 * "without both" is the variant with the lookup off less that. Variants alternate for
 * BENCH_ROUNDS (5) rounds of BENCH_SECONDS (2) each; the best round of each is kept.
 */
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const seconds = Number(process.env.BENCH_SECONDS ?? 2);

const geoIp = loadConfig({ COLLECTOR_ALLOW_NO_WRITE_KEYS: "true" }).geoIp;
if (!geoIp) throw new Error("the country database is off; unset COLLECTOR_GEOIP_DB");
const validate = createEventValidator();
const { bodies } = makeBodies(20, 200);

/** Seeded public IPv4 addresses: a server-side source that sends every event with its user's IP. */
let seed = 20_261_202;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) >>> 0;
  return seed / 2 ** 32;
};
const publicIps: string[] = [];
while (publicIps.length < 4000) {
  const ip = [1 + Math.floor(random() * 223), 0, 0, 0].map((v, i) => (i ? Math.floor(random() * 256) : v)).join(".");
  if (publicLookupAddress(ip)) publicIps.push(ip);
}
let nextIp = 0;
const bodiesWithIps = bodies.map((body) => {
  const parsed = JSON.parse(body) as { batch: Array<{ context: Record<string, unknown> }> };
  for (const event of parsed.batch) event.context.ip = publicIps[nextIp++ % publicIps.length];
  return JSON.stringify(parsed);
});

type Variant = { name: string; bodies: string[]; run: (body: string) => number };

/** Parse, validate and write every event of a body, as the ingest route does; returns the bytes written. */
const ingestWith =
  (countryOf: ((ip: string | undefined) => string | undefined) | undefined, clientIp: string) =>
  (body: string): number => {
    const { batch, sentAt } = JSON.parse(body) as { batch: unknown[]; sentAt: string };
    const collect = collectorFor({
      receivedAtMs: Date.now(),
      clientIp,
      sourceId: "bench-source",
      trustSentIp: false,
      batchSentAt: sentAt,
      maxClockSkewMs: 86_400_000,
      classifyUserAgent,
      countryOf,
    });
    let bytes = 0;
    for (const candidate of batch) {
      const validation = validate(candidate);
      if (!validation.ok) throw new Error(validation.rejection.message);
      bytes += collect(validation.event).value.length;
    }
    return bytes;
  };
const classifyUserAgent = createUserAgentCache();
const country = geoIp.country;

const PARSE = "parse only";
const PAN = "parse + card-number check alone (findCardNumberInEvent)";
const OFF = "validate + write, lookup off, public client IP";
const ON = "validate + write, lookup on, public client IP (one lookup per request)";
const LOOPBACK = "validate + write, lookup on, loopback client (no lookup)";
const SENT_OFF = "validate + write, lookup off, a public context.ip per event";
const SENT_ON = "validate + write, lookup on, a public context.ip per event (one lookup per event)";

const variants: Variant[] = [
  { name: PARSE, bodies, run: (body) => (JSON.parse(body) as { batch: unknown[] }).batch.length },
  {
    name: PAN,
    bodies,
    run: (body) => {
      let found = 0;
      for (const event of (JSON.parse(body) as { batch: WireEvent[] }).batch) {
        if (findCardNumberInEvent(event as unknown as Record<string, unknown>) !== undefined) found++;
      }
      return found;
    },
  },
  { name: OFF, bodies, run: ingestWith(undefined, "200.160.0.8") },
  { name: ON, bodies, run: ingestWith(country, "200.160.0.8") },
  { name: LOOPBACK, bodies, run: ingestWith(country, "127.0.0.1") },
  { name: SENT_OFF, bodies: bodiesWithIps, run: ingestWith(undefined, "10.0.0.1") },
  { name: SENT_ON, bodies: bodiesWithIps, run: ingestWith(country, "10.0.0.1") },
];

/** µs of CPU per event for `seconds` of one variant. */
function measure(variant: Variant): number {
  let events = 0;
  let sink = 0;
  const cpu = process.cpuUsage();
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    for (const body of variant.bodies) sink += variant.run(body);
    events += variant.bodies.length * 20;
  }
  const used = process.cpuUsage(cpu);
  if (sink < 0) console.log(sink);
  return (used.user + used.system) / events;
}

for (const variant of variants) measure({ ...variant, bodies: variant.bodies.slice(0, 20) }); // JIT warm-up
const best = new Map<string, number>();
for (let round = 0; round < rounds; round++) {
  for (const variant of variants) {
    const perEvent = measure(variant);
    best.set(variant.name, Math.min(best.get(variant.name) ?? Number.POSITIVE_INFINITY, perEvent));
  }
}
console.log(`per-event CPU, best of ${rounds} rounds of ${seconds} s, batch 20, ${geoIp.databaseType} database:`);
for (const [name, us] of best) console.log(`  ${us.toFixed(2).padStart(6)} µs  ${name}`);
const get = (name: string) => best.get(name) ?? Number.NaN;
const pan = get(PAN) - get(PARSE);
const withoutBoth = get(OFF) - pan;
const us = (n: number) => `${n.toFixed(2)} µs`;
console.log(`  card-number check: ${us(pan)} per event`);
console.log(`  country lookup, once per request: ${us(get(ON) - get(OFF))} per event`);
console.log(`  country lookup, once per event (context.ip): ${us(get(SENT_ON) - get(SENT_OFF))} per event`);
console.log(
  `  validate + write per event: ${us(withoutBoth)} without either, ${us(get(ON))} with both ` +
    `(+${(((get(ON) - withoutBoth) / withoutBoth) * 100).toFixed(0)}%)`,
);
