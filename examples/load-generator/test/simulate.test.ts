import type { BatchPayload, Transport } from "@shop/tracker";
import { describe, expect, it } from "vitest";
import { runLoad } from "../src/simulate.js";
import type { TransportFactory } from "../src/transport.js";

interface Sent {
  ip: string | undefined;
  payload: BatchPayload;
}

/** Records every batch with the address it was sent from; answers 200. */
function recording(): { transports: TransportFactory; sent: Sent[] } {
  const sent: Sent[] = [];
  const transports: TransportFactory = (ip) => {
    const transport: Transport = {
      send: async (_url, payload) => {
        sent.push({ ip: ip(), payload });
        return { status: 200 };
      },
    };
    return transport;
  };
  return { sent, transports };
}

type AnyEvent = BatchPayload["batch"][number] & {
  event?: string;
  properties?: Record<string, unknown>;
  context?: Record<string, unknown>;
};
const eventsOf = (sent: Sent[]) => sent.flatMap((s) => s.payload.batch as AnyEvent[]);

describe("runLoad", () => {
  const now = Date.parse("2026-11-28T15:00:00.000Z");
  const base = { host: "http://x", writeKey: "k", serverWriteKey: "k-server", windowMs: 7_200_000, now, runTag: "t" };

  it("refuses browser shoppers without a live part, before sending anything", async () => {
    const { transports, sent } = recording();
    const browserShoppers = { storefront: "http://127.0.0.1:1", concurrency: 2 };
    await expect(runLoad({ ...base, shoppers: 3, seed: 1, transports, browserShoppers })).rejects.toThrow(RangeError);
    expect(sent).toEqual([]);
  });

  it("is repeatable for a seed and reports exactly what it sent", async () => {
    const a = recording();
    const b = recording();
    const first = await runLoad({ ...base, shoppers: 15, seed: 7, fraudCases: 1, transports: a.transports });
    const second = await runLoad({ ...base, shoppers: 15, seed: 7, fraudCases: 1, transports: b.transports });
    const events = eventsOf(a.sent);
    expect(first.report.events).toBe(events.length);
    expect(first.report.sent).toBe(events.length);
    expect(first.report.dropped).toBe(0);
    expect(eventsOf(b.sent).map((e) => [e.type, e.timestamp])).toEqual(events.map((e) => [e.type, e.timestamp]));
    expect(second.report).toEqual(first.report);
    // Anonymous ids are the SDK's (random, not seeded); everything else about the cases repeats.
    const withoutDevices = (run: typeof first) => run.cases.map(({ anonymousIds: _, ...c }) => c);
    expect(withoutDevices(second)).toEqual(withoutDevices(first));
    expect(first.acks.size).toBe(events.length);
  });

  it("replays in time order: no event is sent more than the replay window behind an earlier-sent one", async () => {
    const { transports, sent } = recording();
    const windowMs = 3 * 3_600_000;
    const { report } = await runLoad({ ...base, shoppers: 40, seed: 1, windowMs, fraudCases: 2, transports });
    const times = eventsOf(sent).map((e) => Date.parse(e.timestamp ?? ""));
    let newest = Number.NEGATIVE_INFINITY;
    for (const t of times) {
      expect(t).toBeGreaterThan(newest - 5 * 60_000);
      newest = Math.max(newest, t);
    }
    expect(Math.min(...times)).toBe(Date.parse(report.firstEventAt));
    expect(Math.max(...times)).toBeLessThan(now);
    expect(report.liveSteps).toBe(0);
  });

  it("in a ramp, starts every shopper in the live part, twice to four times as many in its second half", async () => {
    const { transports, sent } = recording();
    let clock = now;
    const liveMs = 600_000;
    const play = {
      now: () => clock,
      sleep: async (ms: number) => {
        clock += ms;
      },
    };
    const run = await runLoad({ ...base, shoppers: 400, seed: 3, liveMs, ramp: true, transports, play });
    const starts = run.cases.filter((c) => c.scenario === "shopper").map((c) => Date.parse(c.startsAt));
    expect(starts).toHaveLength(400);
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(now);
    expect(Math.max(...starts)).toBeLessThan(now + liveMs);
    // Linear arrivals: 1/4 of them in the first half, 3/4 in the second.
    const late = starts.filter((t) => t >= now + liveMs / 2).length;
    expect(late / (400 - late)).toBeGreaterThan(2);
    expect(late / (400 - late)).toBeLessThan(4);
    const times = eventsOf(sent).map((e) => Date.parse(e.timestamp ?? ""));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(now);
    expect(run.report.liveSteps).toBeGreaterThan(0);
  });

  it("counts the ordinary shoppers' orders and revenue as the Order Completed events carry them", async () => {
    const { transports, sent } = recording();
    const { report, cases } = await runLoad({ ...base, shoppers: 30, seed: 3, transports });
    const orders = eventsOf(sent).filter((e) => e.event === "Order Completed");
    expect(orders).toHaveLength(report.orders);
    const revenue = orders.reduce((sum, e) => sum + Number(e.properties?.revenue), 0);
    expect(Math.round(revenue * 100) / 100).toBe(report.revenue);
    expect(cases.every((c) => c.scenario === "shopper" && !c.fraud)).toBe(true);
    expect(cases).toHaveLength(30);
  });

  it("sends browser events from each shopper's address and payments from the backend on the shopper's behalf", async () => {
    const { transports, sent } = recording();
    const { cases } = await runLoad({ ...base, shoppers: 10, seed: 5, fraudCases: 1, transports });
    const fromBackend = sent.filter((s) => s.ip === undefined).flatMap((s) => s.payload.batch as AnyEvent[]);
    expect(new Set(fromBackend.map((e) => e.event))).toEqual(
      new Set(
        ["Payment Attempted", "Order Completed", "Password Reset"].filter((n) =>
          fromBackend.some((e) => e.event === n),
        ),
      ),
    );
    expect(fromBackend.length).toBeGreaterThan(0);
    for (const e of fromBackend) {
      expect(e.context?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(cases.some((c) => c.anonymousIds.includes(e.anonymousId ?? ""))).toBe(true);
    }
    const browserIps = new Set(sent.filter((s) => s.ip !== undefined).map((s) => s.ip));
    expect(browserIps.size).toBeGreaterThan(10);
  });
});
