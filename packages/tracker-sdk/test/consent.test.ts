import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTracker, type TrackerDependencies } from "../src/core/tracker.js";
import {
  createMemoryKeyValueStore,
  createMemoryStore,
  createTestingLifecycle,
  createTestingTransport,
} from "../src/testing.js";

const options = { writeKey: "wk", host: "http://127.0.0.1:1", flushAt: 1, flushIntervalMs: 1000 };

function setup(overrides: Record<string, unknown> = {}, deps: Partial<TrackerDependencies> = {}) {
  const transport = createTestingTransport();
  const lifecycle = createTestingLifecycle();
  const store = createMemoryStore();
  const kv = createMemoryKeyValueStore() as Map<string, string>;
  const tracker = createTracker({ ...options, ...overrides }, { transport, lifecycle, store, kv, ...deps });
  return { transport, lifecycle, store, kv, tracker };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("consent", () => {
  it("pending: nothing is sent or stored, not even on page exit", async () => {
    const { transport, lifecycle, store, kv, tracker } = setup({ consent: "pending" });
    tracker.page("Home");
    tracker.identify("user-1");
    tracker.track("Product Viewed");
    await vi.advanceTimersByTimeAsync(10_000);
    lifecycle.hide();
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.requests).toHaveLength(0);
    expect(transport.exits).toHaveLength(0);
    expect(await store.getAll()).toEqual([]);
    expect([...kv.keys()]).toEqual([]);
    expect(tracker.consent()).toBe("pending");
    expect(tracker.stats().queued).toBe(3);
  });

  it("granting sends and stores what was held, and remembers the decision", async () => {
    const { transport, kv, tracker } = setup({ consent: "pending" });
    tracker.identify("user-1");
    tracker.track("Held");
    tracker.setConsent("granted");
    await tracker.flush();
    expect(transport.events().map((e) => e.type)).toEqual(["identify", "track"]);
    expect(transport.events()[1]?.userId).toBe("user-1");
    expect(kv.get("shop_tracker.consent")).toBe("granted");
    expect(JSON.parse(kv.get("shop_tracker.ids") ?? "{}")).toMatchObject({ u: "user-1" });

    const again = setup({ consent: "pending" }, { kv });
    expect(again.tracker.consent()).toBe("granted");
    expect(again.tracker.anonymousId()).toBe(tracker.anonymousId());
  });

  it("denying (opt-out) purges the queue, the store and the ids, and drops later events", async () => {
    const { transport, lifecycle, store, kv, tracker } = setup();
    lifecycle.goOffline();
    tracker.identify("user-1");
    tracker.track("Queued");
    await vi.advanceTimersByTimeAsync(0);
    expect((await store.getAll()).length).toBe(2);
    const before = tracker.anonymousId();
    tracker.setConsent("denied");
    await vi.advanceTimersByTimeAsync(0);
    expect(await store.getAll()).toEqual([]);
    expect(tracker.stats().queued).toBe(0);
    expect(kv.get("shop_tracker.ids")).toBeUndefined();
    expect(kv.get("shop_tracker.session")).toBeUndefined();
    expect(kv.get("shop_tracker.consent")).toBe("denied");
    expect(tracker.anonymousId()).not.toBe(before);
    tracker.track("After opt-out");
    lifecycle.goOnline();
    await tracker.flush();
    expect(transport.requests).toHaveLength(0);

    const again = setup({}, { kv });
    expect(again.tracker.consent()).toBe("denied");
  });

  it("a batch in flight when the visitor opts out is not sent again", async () => {
    const { transport, tracker } = setup({ flushAt: 1 });
    transport.respond({ status: 503 });
    tracker.track("A");
    await tracker.flush();
    tracker.setConsent("denied");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.requests).toHaveLength(1);
    expect(tracker.stats()).toEqual({ queued: 0, sent: 0, dropped: 0, rejected: 0 });
  });

  it('starting from "denied" (the browser\'s answer to a privacy signal): nothing until the visitor grants', async () => {
    const { transport, kv, tracker } = setup({ consent: "denied" });
    expect(tracker.consent()).toBe("denied");
    tracker.track("Dropped");
    await tracker.flush();
    expect(transport.requests).toHaveLength(0);
    expect(kv.get("shop_tracker.consent")).toBeUndefined();
    tracker.setConsent("granted");
    tracker.track("Sent");
    await tracker.flush();
    expect(transport.events().map((e) => (e.type === "track" ? e.event : ""))).toEqual(["Sent"]);
  });

  it("setConsent('pending') forgets the decision", () => {
    const { kv, tracker } = setup();
    tracker.setConsent("granted");
    tracker.setConsent("pending");
    expect(kv.has("shop_tracker.consent")).toBe(false);
    expect(tracker.consent()).toBe("pending");
  });
});
