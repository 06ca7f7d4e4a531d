import { describe, expect, it } from "vitest";
import { play } from "../src/play.js";
import { type Flushable, Timeline } from "../src/timeline.js";

/** A fake tracker: records what ran and when it was flushed, on a fake clock. */
function harness(start: number) {
  let clock = start;
  const log: string[] = [];
  const tracker = (name: string): Flushable => ({
    flush: async () => {
      log.push(`flush ${name} @${clock - start}`);
    },
  });
  return {
    log,
    tracker,
    now: () => clock,
    sleep: async (ms: number) => {
      clock += Math.max(0, ms);
    },
  };
}

describe("play", () => {
  it("replays past steps in time order, flushing when simulated time moves past the window", async () => {
    const h = harness(1_000_000);
    const a = h.tracker("a");
    const b = h.tracker("b");
    const timeline = new Timeline();
    const t0 = 1_000_000 - 3_600_000;
    timeline.add(t0 + 60_000, b, () => h.log.push("b1"));
    timeline.add(t0, a, () => h.log.push("a1"));
    timeline.add(t0 + 400_000, a, () => h.log.push("a2"));
    const report = await play(timeline.ordered(), { now: h.now, sleep: h.sleep, replayWindowMs: 300_000 });
    expect(h.log).toEqual(["a1", "b1", "flush a @0", "flush b @0", "a2", "flush a @0"]);
    expect(report).toEqual({ replayed: 3, live: 0, maxLiveLagMs: 0 });
  });

  it("waits for a future step's time, runs it and sends it at once", async () => {
    const start = 1_000_000;
    const h = harness(start);
    const a = h.tracker("a");
    const timeline = new Timeline();
    timeline.add(start - 1_000, a, () => h.log.push("past"));
    timeline.add(start + 5_000, a, () => h.log.push(`live @${h.now() - start}`));
    timeline.add(start + 9_000, a, () => h.log.push(`live @${h.now() - start}`));
    const report = await play(timeline.ordered(), { now: h.now, sleep: h.sleep });
    expect(h.log).toEqual(["past", "flush a @0", "live @5000", "flush a @5000", "live @9000", "flush a @9000"]);
    expect(report).toMatchObject({ replayed: 1, live: 2, maxLiveLagMs: 0 });
  });

  it("stops at the signal: later steps never run, what ran is still sent, the stop time is reported", async () => {
    const start = 1_000_000;
    const h = harness(start);
    const a = h.tracker("a");
    const stop = new AbortController();
    const timeline = new Timeline();
    timeline.add(start - 1_000, a, () => h.log.push("past"));
    timeline.add(start + 5_000, a, () => {
      h.log.push("live");
      stop.abort();
    });
    timeline.add(start + 9_000, a, () => h.log.push("never"));
    const report = await play(timeline.ordered(), { now: h.now, sleep: h.sleep, signal: stop.signal });
    expect(h.log).toEqual(["past", "flush a @0", "live", "flush a @5000"]);
    expect(report).toMatchObject({ replayed: 1, live: 1, stoppedAt: start + 5_000 });
  });

  it("wakes from a live step's wait when stopped, without running it", async () => {
    const a: Flushable = { flush: async () => {} };
    const stop = new AbortController();
    const timeline = new Timeline();
    let ran = false;
    // An hour ahead in real time: only the abort can end the wait.
    timeline.add(Date.now() + 3_600_000, a, () => {
      ran = true;
    });
    const played = play(timeline.ordered(), { signal: stop.signal });
    stop.abort();
    const report = await played;
    expect(ran).toBe(false);
    expect(report.live).toBe(0);
    expect(report.stoppedAt).toBeTypeOf("number");
  });

  it("sends everything queued before a step that changes what later sends carry", async () => {
    const h = harness(1_000_000);
    const a = h.tracker("a");
    const timeline = new Timeline();
    timeline.add(900_000, a, () => h.log.push("before"));
    timeline.add(900_001, a, () => h.log.push("move"), { flushFirst: true });
    timeline.add(900_002, a, () => h.log.push("after"));
    await play(timeline.ordered(), { now: h.now, sleep: h.sleep });
    expect(h.log).toEqual(["before", "flush a @0", "move", "after", "flush a @0"]);
  });
});
