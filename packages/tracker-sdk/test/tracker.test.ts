import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTracker } from "../src/core/tracker.js";
import type { BatchPayload, Transport, TransportResult } from "../src/core/types.js";

/** A transport that records batches and answers with scripted statuses (200 once the script runs out). */
function scriptedTransport(statuses: TransportResult[] = []) {
  const sent: BatchPayload[] = [];
  const transport: Transport = {
    async send(_url, payload) {
      sent.push(structuredClone(payload));
      return statuses.shift() ?? { status: 200 };
    },
  };
  return { transport, sent };
}

const options = { writeKey: "wk", host: "http://127.0.0.1:1/", flushAt: 3, flushIntervalMs: 60_000 };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("createTracker", () => {
  it("sends a batch once flushAt events are queued, with Segment fields on every event", async () => {
    const { transport, sent } = scriptedTransport();
    const tracker = createTracker(options, { transport });
    tracker.page("Home");
    tracker.track("Product Viewed", { product_id: "p-1", price: 10 });
    expect(sent).toHaveLength(0);
    const id = tracker.track("Product Added", { product_id: "p-1", quantity: 1 });
    await tracker.flush(); // joins the send that the third event started
    expect(sent).toHaveLength(1);
    const [page, viewed, added] = sent[0]?.batch ?? [];
    expect(added?.messageId).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(page).toMatchObject({ type: "page", name: "Home" });
    expect(viewed).toMatchObject({ type: "track", event: "Product Viewed", properties: { product_id: "p-1" } });
    expect(viewed?.anonymousId).toBe(page?.anonymousId);
    expect([page, viewed, added].map((e) => e?.context?.session?.seq)).toEqual([0, 1, 2]);
    expect(page?.context?.session?.start).toBe(true);
    expect(sent[0]?.writeKey).toBe("wk");
    expect(tracker.stats()).toEqual({ queued: 0, sent: 3, dropped: 0 });
  });

  it("sends what is queued when the interval passes", async () => {
    const { transport, sent } = scriptedTransport();
    const tracker = createTracker({ ...options, flushIntervalMs: 1000 }, { transport });
    tracker.track("Cart Viewed");
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(1);
  });

  it("keeps a batch through a 503 and retries no sooner than Retry-After", async () => {
    const { transport, sent } = scriptedTransport([{ status: 503, retryAfterMs: 7000 }]);
    const tracker = createTracker(options, { transport, random: () => 0 });
    tracker.track("A");
    await tracker.flush();
    expect(tracker.stats()).toMatchObject({ queued: 1, sent: 0 });
    await vi.advanceTimersByTimeAsync(6999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.batch[0]?.messageId).toBe(sent[0]?.batch[0]?.messageId);
    expect(tracker.stats()).toMatchObject({ queued: 0, sent: 1, dropped: 0 });
  });

  it("retries when the network fails (status 0) and drops only on a final 4xx", async () => {
    const { transport } = scriptedTransport([{ status: 0 }, { status: 400 }]);
    const tracker = createTracker(options, { transport, random: () => 0 });
    tracker.track("A");
    await tracker.flush();
    await vi.advanceTimersByTimeAsync(1000);
    expect(tracker.stats()).toEqual({ queued: 0, sent: 0, dropped: 1 });
  });

  it("splits a batch the collector finds too large (413) and delivers every event", async () => {
    const { transport, sent } = scriptedTransport([{ status: 413 }]);
    const tracker = createTracker({ ...options, flushAt: 4 }, { transport });
    for (const name of ["A", "B", "C", "D"]) tracker.track(name);
    await tracker.flush();
    expect(sent.map((p) => p.batch.length)).toEqual([4, 2, 2]);
    expect(tracker.stats()).toMatchObject({ sent: 4, dropped: 0 });
  });

  it("keeps each batch under maxBatchBytes", async () => {
    const { transport, sent } = scriptedTransport();
    const tracker = createTracker({ ...options, flushAt: 100, maxBatchBytes: 2048 }, { transport });
    for (let i = 0; i < 10; i++) tracker.track("Padded", { pad: "x".repeat(500) });
    await tracker.flush();
    expect(sent.length).toBeGreaterThan(1);
    for (const payload of sent) expect(JSON.stringify(payload).length).toBeLessThanOrEqual(2048);
    expect(sent.flatMap((p) => p.batch)).toHaveLength(10);
  });

  it("carries userId after identify and forgets it on reset", async () => {
    const { transport, sent } = scriptedTransport();
    const tracker = createTracker(options, { transport });
    tracker.identify("user-1", { plan: "gold" });
    tracker.track("X");
    tracker.reset();
    tracker.track("Y");
    await tracker.flush();
    const [identify, x, y] = sent[0]?.batch ?? [];
    expect(identify).toMatchObject({ type: "identify", userId: "user-1", traits: { plan: "gold" } });
    expect(x?.userId).toBe("user-1");
    expect(y?.userId).toBeUndefined();
    expect(y?.anonymousId).not.toBe(x?.anonymousId);
  });

  it("does not throw into the app when the transport throws", async () => {
    const transport: Transport = {
      send: () => {
        throw new Error("boom");
      },
    };
    const tracker = createTracker({ ...options, maxRetries: 0 }, { transport });
    expect(() => tracker.track("A")).not.toThrow();
    await expect(tracker.flush()).resolves.toBeUndefined();
    expect(tracker.stats().dropped).toBe(1);
  });
});
