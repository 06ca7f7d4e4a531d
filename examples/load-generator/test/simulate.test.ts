import type { BatchPayload, Transport } from "@shop/tracker";
import { describe, expect, it } from "vitest";
import { runLoad } from "../src/simulate.js";

function recording(): { transport: Transport; batches: BatchPayload[] } {
  const batches: BatchPayload[] = [];
  const send: Transport["send"] = async (_url, payload) => {
    batches.push(payload);
    return { status: 200 };
  };
  return { batches, transport: { send } };
}

describe("runLoad", () => {
  const now = Date.parse("2026-11-28T15:00:00.000Z");

  it("is repeatable for a seed and reports exactly what it sent", async () => {
    const a = recording();
    const b = recording();
    const first = await runLoad({
      host: "http://x",
      writeKey: "k",
      shoppers: 15,
      seed: 7,
      windowMs: 7_200_000,
      transport: a.transport,
      now,
    });
    const second = await runLoad({
      host: "http://x",
      writeKey: "k",
      shoppers: 15,
      seed: 7,
      windowMs: 7_200_000,
      transport: b.transport,
      now,
    });
    const events = a.batches.flatMap((p) => p.batch);
    expect(first.events).toBe(events.length);
    expect(first.sent).toBe(events.length);
    expect(first.dropped).toBe(0);
    expect(b.batches.flatMap((p) => p.batch).map((e) => [e.type, e.timestamp])).toEqual(
      events.map((e) => [e.type, e.timestamp]),
    );
    expect(second).toEqual(first);
    const orders = events.filter((e) => e.type === "track" && e.event === "Order Completed");
    expect(orders).toHaveLength(first.orders);
    const revenue = orders.reduce(
      (sum, e) => sum + Number((e as unknown as { properties: { revenue: number } }).properties.revenue),
      0,
    );
    expect(Math.round(revenue * 100) / 100).toBe(first.revenue);
  });

  it("keeps every simulated event inside the window, before now, and reports its span", async () => {
    const { transport, batches } = recording();
    const windowMs = 3 * 3_600_000;
    const report = await runLoad({ host: "http://x", writeKey: "k", shoppers: 30, seed: 1, windowMs, transport, now });
    const times = batches.flatMap((p) => p.batch).map((e) => Date.parse(e.timestamp ?? ""));
    expect(Math.min(...times)).toBe(Date.parse(report.firstEventAt));
    expect(Math.max(...times)).toBeLessThanOrEqual(Date.parse(report.lastEventAt));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(now - windowMs);
    expect(Math.max(...times)).toBeLessThan(now);
  });
});
