/**
 * bench/summarize-ramp.mjs on a small ramp's files, written in the formats the generator and the stream write
 * (acks.jsonl by the CLI's --acks, progress.jsonl by the stream's --progress-log): `make bench` runs it only after
 * an 8-minute ramp, and a change of either format once broke it there unseen.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const script = join(import.meta.dirname, "../bench/summarize-ramp.mjs");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const lines = (rows: unknown[]) => `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`;

function rampDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ramp-summary-"));
  dirs.push(dir);
  const t0 = Date.parse("2026-12-07T05:00:00.000Z");
  // 4 events/s for 2 minutes, then 40/s for 30 s; the last ack exactly on a 30 s bucket boundary.
  const acks = [];
  for (let ms = 0; ms < 120_000; ms += 250) acks.push(t0 + ms);
  for (let ms = 120_000; ms <= 150_000; ms += 25) acks.push(t0 + ms);
  writeFileSync(
    join(dir, "acks.jsonl"),
    lines(acks.map((ackedAt, i) => ({ messageId: `m-${i}`, ackedAt, eventAt: ackedAt - 40 }))),
  );
  // One batch a second; from 130 s on, batches of 12 s (the stream falling behind).
  const progress = [];
  for (let s = 0; s < 130; s += 1)
    progress.push({ timestamp: new Date(t0 + s * 1000).toISOString(), triggerExecutionMs: 400, numInputRows: 4 });
  for (let s = 130; s < 180; s += 12)
    progress.push({ timestamp: new Date(t0 + s * 1000).toISOString(), triggerExecutionMs: 12_000, numInputRows: 480 });
  writeFileSync(join(dir, "progress.jsonl"), lines(progress));
  writeFileSync(
    join(dir, "score.json"),
    JSON.stringify({ latency: { count: 2, p50Ms: 3000, p95Ms: 4000, maxMs: 4000 }, precision: 1, recall: 1 }),
  );
  writeFileSync(
    join(dir, "load-report.json"),
    JSON.stringify({ events: acks.length, dropped: 0, failedSends: {}, maxLiveLagMs: 12 }),
  );
  return dir;
}

describe("summarize-ramp.mjs", () => {
  it("finds the rate sustained before the knee, and the knee where the delay passes the limit", async () => {
    const { stdout } = await run(process.execPath, [script, rampDir(), "1", "10"]);
    const summary = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
    expect(summary).toMatchObject({
      sustainedEventsPerSecond: 4,
      knee: { atSeconds: 120 },
      peakOfferedEventsPerSecond: 40,
      events: 1681,
      precision: 1,
      recall: 1,
    });
    expect(summary.knee.delayMs).toBeGreaterThan(10_000);
  });
});
