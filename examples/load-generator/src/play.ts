import { sleep as pause } from "./sleep.js";
import type { Flushable, Step } from "./timeline.js";

export interface PlayOptions {
  /** Real time, epoch ms. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Steps already in the past are replayed as fast as the collector takes them, but in time order: the
   * trackers are flushed whenever simulated time has moved this far since the oldest unsent event, so
   * no event reaches Kafka more than this far behind a later one (well inside a streaming job's
   * watermark).
   */
  replayWindowMs?: number;
  /**
   * Stops the run early (Ctrl-C in a demo): no step after the abort runs; what already ran is still sent.
   * Needs `sleep` to resolve early on abort too (the default does).
   */
  signal?: AbortSignal;
}

export interface PlayReport {
  /** Steps replayed from the past, and steps made in real time (each at its time). */
  replayed: number;
  live: number;
  /** How late live steps ran behind their time, worst case (ms): the generator keeping up. */
  maxLiveLagMs: number;
  /** Real time when the run was stopped by the signal (epoch ms); absent when every step ran. */
  stoppedAt?: number;
}

/**
 * Runs the steps in time order. Past steps are replayed quickly in flush windows; a future step waits
 * for its time, runs, and its tracker is flushed at once (an event of the live part reaches the
 * collector when it happens, so alert latency can be measured from it). Resolves when everything has
 * been sent (or given up by the trackers' retry policy).
 */
export async function play(steps: readonly Step[], options: PlayOptions = {}): Promise<PlayReport> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => pause(ms, options.signal));
  const replayWindowMs = options.replayWindowMs ?? 5 * 60_000;
  const report: PlayReport = { replayed: 0, live: 0, maxLiveLagMs: 0 };
  const dirty = new Set<Flushable>();
  const sending = new Set<Promise<void>>();
  let oldestUnsent: number | undefined;

  const flushDirty = async () => {
    const trackers = [...dirty];
    dirty.clear();
    oldestUnsent = undefined;
    await Promise.all(trackers.map((t) => t.flush()));
  };
  const sendSoon = (tracker: Flushable) => {
    const sent = tracker.flush().finally(() => sending.delete(sent));
    sending.add(sent);
  };

  for (const step of steps) {
    if (options.signal?.aborted) break;
    const wait = step.at - now();
    if (wait > 0 || step.flushFirst) await flushDirty();
    if (step.flushFirst) await Promise.all([...sending]);
    if (wait > 0) {
      await sleep(step.at - now());
      if (options.signal?.aborted) break;
      step.run();
      report.live += 1;
      report.maxLiveLagMs = Math.max(report.maxLiveLagMs, now() - step.at);
      sendSoon(step.flushable);
      continue;
    }
    if (oldestUnsent !== undefined && step.at - oldestUnsent > replayWindowMs) await flushDirty();
    step.run();
    report.replayed += 1;
    dirty.add(step.flushable);
    oldestUnsent ??= step.at;
  }
  if (options.signal?.aborted) report.stoppedAt = now();
  await flushDirty();
  await Promise.all([...sending]);
  return report;
}
