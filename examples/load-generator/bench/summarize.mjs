// One fraud-stream bench run's figures (summarize.mjs DIR TRIGGER LIVE_SECONDS → one JSON line), or the table
// of all runs (summarize.mjs --table results.jsonl).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { percentile, readJsonLines } from "../dist/index.js";

if (process.argv[2] === "--table") {
  const rows = await readJsonLines(process.argv[3]);
  const fmt = (v, d = 0) => (v === null || v === undefined ? "-" : Number(v).toFixed(d));
  console.log(
    "run          trigger  live ev/s  latency p50/p95/max (ms)   precision recall  burst rows/s  live batch p50/p95 (ms)  dropped",
  );
  for (const r of rows) {
    console.log(
      `${r.run.padEnd(12)} ${String(r.triggerSeconds).padStart(5)} s ${fmt(r.liveEventsPerSecond, 1).padStart(9)}  ${`${fmt(r.latency?.p50Ms)}/${fmt(r.latency?.p95Ms)}/${fmt(r.latency?.maxMs)}`.padEnd(26)} ${fmt(r.precision, 2).padStart(9)} ${fmt(r.recall, 2).padStart(6)}  ${fmt(r.burstRowsPerSecond).padStart(12)}  ${`${fmt(r.liveBatchMs?.p50)}/${fmt(r.liveBatchMs?.p95)}`.padEnd(24)} ${r.dropped}`,
    );
  }
  process.exit(0);
}

const [dir, trigger, liveSeconds] = process.argv.slice(2);
const report = JSON.parse(readFileSync(join(dir, "load-report.json"), "utf8"));
const score = JSON.parse(readFileSync(join(dir, "score.json"), "utf8"));
const progress = (await readJsonLines(join(dir, "progress.jsonl"))).filter((p) => p.numInputRows > 0);
// The burst: the batches that read the replayed window (before the first live-sized batch); the rest are live.
const liveSized = Math.max(50, (report.liveSteps / Number(liveSeconds)) * Math.max(1, Number(trigger)) * 5);
const firstLive = progress.findIndex((p, i) => i > 0 && p.numInputRows < liveSized);
const burst = firstLive < 0 ? progress : progress.slice(0, firstLive);
const live = firstLive < 0 ? [] : progress.slice(firstLive);
const burstRows = burst.reduce((s, p) => s + p.numInputRows, 0);
const burstMs = burst.reduce((s, p) => s + (p.triggerExecutionMs ?? 0), 0);
const liveMs = live.map((p) => p.triggerExecutionMs ?? 0).sort((a, b) => a - b);
console.log(
  JSON.stringify({
    run: dir.split("/").at(-1),
    triggerSeconds: Number(trigger),
    replayedEvents: report.replayedSteps,
    liveEventsPerSecond: report.liveSteps / Number(liveSeconds),
    maxLiveLagMs: report.maxLiveLagMs,
    dropped: report.dropped,
    failedSends: report.failedSends,
    latency: score.latency,
    precision: score.precision,
    recall: score.recall,
    fraudCases: score.fraudCases,
    falseAlarms: score.falseAlarms,
    repeatedAlertIds: score.repeatedAlertIds,
    burstBatches: burst.length,
    burstRows,
    burstRowsPerSecond: burstMs > 0 ? (burstRows * 1000) / burstMs : null,
    liveBatches: live.length,
    liveBatchMs: { p50: percentile(liveMs, 50), p95: percentile(liveMs, 95), max: liveMs.at(-1) ?? null },
  }),
);
