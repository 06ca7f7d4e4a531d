import { describe, expect, it } from "vitest";
import { liveMetricsFreshness, type SeenMinute } from "../src/freshness.js";
import type { Ack } from "../src/transport.js";

const MINUTE = 60_000;
const at = (minute: number, second: number) => minute * MINUTE + second * 1000;
const acks = (entries: Array<[string, Ack]>) => new Map(entries);

describe("liveMetricsFreshness", () => {
  it("times each event to the first revision after its ack that counts it", () => {
    const result = liveMetricsFreshness(
      acks([
        ["a", { eventAt: at(10, 1), ackedAt: at(10, 2) }],
        ["b", { eventAt: at(10, 3), ackedAt: at(10, 4) }],
        ["c", { eventAt: at(10, 20), ackedAt: at(10, 21) }],
        ["d", { eventAt: at(11, 0), ackedAt: at(11, 1) }],
      ]),
      [
        // Published before b's ack: counts a only, whatever it says.
        { minute: at(10, 0), events: 1, producedAt: at(10, 3) },
        { minute: at(10, 0), events: 2, producedAt: at(10, 9) },
        { minute: at(10, 0), events: 3, producedAt: at(10, 30) },
        { minute: at(11, 0), events: 1, producedAt: at(11, 6) },
      ],
    );
    // a: 1 s, b: 5 s, c: 9 s, d: 5 s.
    expect(result).toEqual({ count: 4, p50Ms: 5_000, p95Ms: 9_000, maxMs: 9_000, unseen: 0, replayed: 0 });
  });

  it("reports events no revision reached, and leaves replayed history out", () => {
    const result = liveMetricsFreshness(
      acks([
        ["a", { eventAt: at(10, 1), ackedAt: at(10, 2) }],
        ["b", { eventAt: at(10, 3), ackedAt: at(10, 4) }],
        ["old", { eventAt: at(1, 0), ackedAt: at(10, 5) }],
        ["untimed", { eventAt: Number.NaN, ackedAt: at(10, 5) }],
      ]),
      [{ minute: at(10, 0), events: 1, producedAt: at(10, 8) } satisfies SeenMinute],
    );
    expect(result).toMatchObject({ count: 1, p50Ms: 6_000, unseen: 1, replayed: 2 });
  });
});
