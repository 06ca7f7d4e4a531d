// The fraud-stream ramp's figures (summarize-ramp.mjs DIR TRIGGER_SECONDS MAX_DELAY_SECONDS [BUCKET_SECONDS]): a
// table by time bucket and one JSON line (the sustained rate, the knee, alert latency) on stdout's last line.
//
// Offered: events the collector answered 2xx for (acks.jsonl), per second. Scored: rows of the micro-batches
// that began in the bucket, per second. Delay: for each batch, the longest an event that reached Kafka just
// after the previous batch read the topic waited to be scored: from the previous batch's start to this one's end,
// but at most the previous batch's duration and one trigger interval before this one began (after an idle spell
// no event waited longer). It stays near two batch durations while the job keeps up and grows batch after batch
// when it falls behind. The first minute is the stream's warm-up (its first batches plan and compile the query):
// the knee, the first bucket whose worst delay passes the limit, is looked for after it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readAcks, readJsonLines } from "../dist/index.js";

const [dir, triggerSeconds = "1", maxDelaySeconds = "10", bucketSeconds = "30"] = process.argv.slice(2);
const triggerMs = Number(triggerSeconds) * 1000;
const warmUpMs = 60_000;
const maxDelayMs = Number(maxDelaySeconds) * 1000;
const bucketMs = Number(bucketSeconds) * 1000;
const acks = [...(await readAcks(join(dir, "acks.jsonl"))).values()].map((ack) => ack.ackedAt);
const batches = (await readJsonLines(join(dir, "progress.jsonl")))
  .map((p) => ({ start: Date.parse(p.timestamp), ms: p.triggerExecutionMs ?? 0, rows: p.numInputRows ?? 0 }))
  .sort((a, b) => a.start - b.start);
const score = JSON.parse(readFileSync(join(dir, "score.json"), "utf8"));
const report = JSON.parse(readFileSync(join(dir, "load-report.json"), "utf8"));

// Loops, not Math.min(...acks): a ramp acks a few hundred thousand events, more than a call's arguments can be.
let from = Number.POSITIVE_INFINITY;
let to = Number.NEGATIVE_INFINITY;
for (const at of acks) [from, to] = [Math.min(from, at), Math.max(to, at)];
for (const b of batches) to = Math.max(to, b.start + b.ms);
const buckets = [];
// `<=`: the last ack may fall exactly on a bucket boundary (in a short run, every ack may share one instant).
for (let t = from; t <= to; t += bucketMs)
  buckets.push({ t, offered: 0, scored: 0, batches: 0, maxDelayMs: 0, maxBatchMs: 0 });
const bucketOf = (at) => buckets[Math.floor((at - from) / bucketMs)];
for (const at of acks) bucketOf(at).offered += 1;
batches.forEach((b, i) => {
  const bucket = bucketOf(b.start);
  if (!bucket) return; // the stream's first, empty triggers before the first event
  bucket.scored += b.rows;
  bucket.batches += 1;
  bucket.maxBatchMs = Math.max(bucket.maxBatchMs, b.ms);
  if (i === 0) return;
  const previous = batches[i - 1];
  const waited = Math.min(b.start - previous.start, previous.ms + triggerMs);
  bucket.maxDelayMs = Math.max(bucket.maxDelayMs, waited + b.ms);
});

console.log("  from    offered ev/s  scored rows/s  batches  longest batch (ms)  worst delay (ms)");
let sustained = 0;
let knee = null;
for (const b of buckets) {
  const offered = (b.offered * 1000) / bucketMs;
  const scored = (b.scored * 1000) / bucketMs;
  const warm = b.t - from >= warmUpMs;
  if (knee === null && warm && b.maxDelayMs > maxDelayMs)
    knee = { atSeconds: (b.t - from) / 1000, offered, delayMs: b.maxDelayMs };
  if (knee === null && warm) sustained = Math.max(sustained, offered);
  console.log(
    `${`${Math.round((b.t - from) / 1000)} s`.padStart(6)}  ${offered.toFixed(1).padStart(12)}  ${scored.toFixed(1).padStart(13)}  ${String(b.batches).padStart(7)}  ${String(b.maxBatchMs).padStart(18)}  ${String(b.maxDelayMs).padStart(16)}${warm ? "" : "  (warm-up)"}${knee && knee.atSeconds === (b.t - from) / 1000 ? "  ← first over the limit" : ""}`,
  );
}
const peak = Math.max(...buckets.map((b) => (b.offered * 1000) / bucketMs));
console.log(
  knee
    ? `sustained: ${Math.round(sustained)} events/s scored with every delay under ${maxDelaySeconds} s; at ${knee.offered.toFixed(0)} offered (${knee.atSeconds} s in) a batch waited ${knee.delayMs} ms`
    : `kept up with all of it: at most ${Math.round(peak)} events/s offered, every delay under ${maxDelaySeconds} s (offer more to find the limit)`,
);
console.log(
  JSON.stringify({
    run: dir.split("/").at(-1),
    triggerSeconds: Number(triggerSeconds),
    maxDelaySeconds: Number(maxDelaySeconds),
    sustainedEventsPerSecond: Math.round(sustained),
    knee,
    peakOfferedEventsPerSecond: Math.round(peak),
    events: report.events,
    dropped: report.dropped,
    failedSends: report.failedSends,
    generatorMaxLagMs: report.maxLiveLagMs,
    alertLatency: score.latency,
    precision: score.precision,
    recall: score.recall,
  }),
);
