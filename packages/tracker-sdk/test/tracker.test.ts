import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTracker, type TrackerDependencies } from "../src/core/tracker.js";
import { createMemoryStore, createTestingTransport } from "../src/testing.js";

const options = { writeKey: "wk", host: "http://127.0.0.1:1/", flushAt: 3, flushIntervalMs: 60_000 };
const uuidv7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function setup(
  overrides: Partial<typeof options> & Record<string, unknown> = {},
  deps: Partial<TrackerDependencies> = {},
) {
  const transport = createTestingTransport();
  const tracker = createTracker({ ...options, ...overrides }, { transport, random: () => 0, ...deps });
  return { transport, tracker };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("createTracker", () => {
  it("sends a batch once flushAt events are queued, with Segment fields on every event", async () => {
    const { transport, tracker } = setup();
    tracker.page("Home");
    tracker.track("Product Viewed", { product_id: "p-1", price: 10 });
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.requests).toHaveLength(0);
    const id = tracker.track("Product Added", { product_id: "p-1", quantity: 1 });
    await tracker.flush(); // joins the send that the third event started
    expect(transport.requests).toHaveLength(1);
    const [page, viewed, added] = transport.batches[0]?.batch ?? [];
    expect(added?.messageId).toBe(id);
    expect(id).toMatch(uuidv7);
    expect(page).toMatchObject({ type: "page", name: "Home" });
    expect(viewed).toMatchObject({ type: "track", event: "Product Viewed", properties: { product_id: "p-1" } });
    expect(viewed?.anonymousId).toBe(page?.anonymousId);
    expect([page, viewed, added].map((e) => e?.context?.session?.seq)).toEqual([0, 1, 2]);
    expect(page?.context?.session?.start).toBe(true);
    expect(viewed?.context?.session?.start).toBeUndefined();
    expect(page?.context?.library).toEqual({ name: "@shop/tracker", version: "0.1.0" });
    expect(transport.batches[0]?.writeKey).toBe("wk");
    expect(tracker.stats()).toEqual({ queued: 0, sent: 3, dropped: 0, rejected: 0 });
  });

  it("posts to {host}/v1/batch and stamps sentAt at each attempt, after the event's timestamp", async () => {
    const urls: string[] = [];
    const transport = createTestingTransport({ status: 503 });
    const tracker = createTracker(options, {
      transport: {
        ...transport,
        send(url, payload) {
          urls.push(url);
          return transport.send(url, payload);
        },
      },
      random: () => 0,
    });
    tracker.track("A");
    await vi.advanceTimersByTimeAsync(2000);
    await tracker.flush();
    await vi.advanceTimersByTimeAsync(1000);
    expect(urls).toEqual(["http://127.0.0.1:1/v1/batch", "http://127.0.0.1:1/v1/batch"]);
    const [first, second] = transport.requests;
    const timestamp = Date.parse(first?.batch[0]?.timestamp ?? "");
    expect(Date.parse(first?.sentAt ?? "") - timestamp).toBe(2000);
    expect(Date.parse(second?.sentAt ?? "")).toBeGreaterThan(Date.parse(first?.sentAt ?? ""));
  });

  it("sends what is queued when the interval passes", async () => {
    const { transport, tracker } = setup({ flushIntervalMs: 1000 });
    tracker.track("Cart Viewed");
    await vi.advanceTimersByTimeAsync(999);
    expect(transport.requests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.batches).toHaveLength(1);
  });

  it("keeps a batch through a 503 and retries no sooner than Retry-After", async () => {
    const { transport, tracker } = setup();
    transport.respond({ status: 503, retryAfterMs: 7000 });
    tracker.track("A");
    await tracker.flush();
    expect(tracker.stats()).toMatchObject({ queued: 1, sent: 0 });
    await vi.advanceTimersByTimeAsync(6999);
    expect(transport.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.requests).toHaveLength(2);
    expect(transport.requests[1]?.batch[0]?.messageId).toBe(transport.requests[0]?.batch[0]?.messageId);
    expect(tracker.stats()).toEqual({ queued: 0, sent: 1, dropped: 0, rejected: 0 });
  });

  it("backs off exponentially with jitter between retries", async () => {
    const { transport, tracker } = setup({}, { random: () => 1 });
    transport.respond({ status: 500 }, { status: 500 }, { status: 500 });
    tracker.track("A");
    await tracker.flush();
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = transport.requests.length;
      const start = Date.now();
      while (transport.requests.length === before) await vi.advanceTimersByTimeAsync(50);
      times.push(Date.now() - start);
    }
    // random() = 1 takes the top of each jitter window: 500, 1000, 2000 ms (rounded up to the 50 ms steps).
    expect(times).toEqual([500, 1000, 2000]);
    expect(tracker.stats()).toEqual({ queued: 0, sent: 1, dropped: 0, rejected: 0 });
  });

  it("retries when the network fails (status 0) and drops only on a final 4xx, reporting it", async () => {
    const errors: unknown[] = [];
    const { transport, tracker } = setup({ onError: (error: unknown) => errors.push(error) });
    transport.respond({ status: 0 }, { status: 400 });
    tracker.track("A");
    await tracker.flush();
    await vi.advanceTimersByTimeAsync(1000);
    expect(tracker.stats()).toEqual({ queued: 0, sent: 0, dropped: 1, rejected: 0 });
    expect(errors).toMatchObject([{ name: "TrackerError", code: "batch_dropped", cause: 400 }]);
  });

  it("drops a batch after maxRetries failed attempts", async () => {
    const { transport, tracker } = setup({ maxRetries: 2 });
    transport.respond({ status: 500 }, { status: 500 }, { status: 500 });
    tracker.track("A");
    await tracker.flush();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport.requests).toHaveLength(3);
    expect(tracker.stats()).toEqual({ queued: 0, sent: 0, dropped: 1, rejected: 0 });
  });

  it.each([400, 401, 403, 404, 415, 422])("drops at once on a final %i", async (status) => {
    const { transport, tracker } = setup();
    transport.respond({ status });
    tracker.track("A");
    await tracker.flush();
    expect(transport.requests).toHaveLength(1);
    expect(tracker.stats()).toEqual({ queued: 0, sent: 0, dropped: 1, rejected: 0 });
  });

  it.each([408, 429, 500, 502, 503, 504])("retries a %i", async (status) => {
    const { transport, tracker } = setup();
    transport.respond({ status });
    tracker.track("A");
    await tracker.flush();
    await vi.advanceTimersByTimeAsync(1000);
    expect(tracker.stats()).toEqual({ queued: 0, sent: 1, dropped: 0, rejected: 0 });
  });

  it("splits a batch the collector finds too large (413) and delivers every event", async () => {
    const { transport, tracker } = setup({ flushAt: 4 });
    transport.respond({ status: 413 });
    for (const name of ["A", "B", "C", "D"]) tracker.track(name);
    await tracker.flush();
    expect(transport.requests.map((p) => p.batch.length)).toEqual([4, 2, 2]);
    expect(transport.events().map((e) => (e.type === "track" ? e.event : ""))).toEqual(["A", "B", "C", "D"]);
    expect(tracker.stats()).toMatchObject({ sent: 4, dropped: 0 });
  });

  it("drops a single event the collector finds too large", async () => {
    const { transport, tracker } = setup({ flushAt: 1 });
    transport.respond({ status: 413 });
    tracker.track("Huge");
    await tracker.flush();
    expect(tracker.stats()).toEqual({ queued: 0, sent: 0, dropped: 1, rejected: 0 });
  });

  it("keeps each batch under maxBatchBytes", async () => {
    const { transport, tracker } = setup({ flushAt: 100, maxBatchBytes: 2048 });
    for (let i = 0; i < 10; i++) tracker.track("Padded", { pad: "x".repeat(500) });
    await tracker.flush();
    expect(transport.batches.length).toBeGreaterThan(1);
    for (const payload of transport.batches) expect(JSON.stringify(payload).length).toBeLessThanOrEqual(2048);
    expect(transport.events()).toHaveLength(10);
  });

  it("carries userId after identify and forgets it on reset", async () => {
    const { transport, tracker } = setup({ flushAt: 10 });
    const before = tracker.anonymousId();
    tracker.identify("user-1", { plan: "gold" });
    tracker.track("X");
    tracker.reset();
    tracker.track("Y");
    await tracker.flush();
    const [identify, x, y] = transport.events();
    expect(identify).toMatchObject({
      type: "identify",
      userId: "user-1",
      traits: { plan: "gold" },
      anonymousId: before,
    });
    expect(x?.userId).toBe("user-1");
    expect(y?.userId).toBeUndefined();
    expect(y?.anonymousId).not.toBe(x?.anonymousId);
    expect(y?.anonymousId).toBe(tracker.anonymousId());
    expect(y?.context?.session?.id).not.toBe(x?.context?.session?.id);
  });

  it("aliases the current user to a new id", async () => {
    const { transport, tracker } = setup({ flushAt: 10 });
    tracker.identify("old-id");
    tracker.alias("new-id");
    tracker.alias("third", "explicit-previous");
    tracker.track("After");
    await tracker.flush();
    const [, alias, explicit, after] = transport.events();
    expect(alias).toMatchObject({ type: "alias", previousId: "old-id", userId: "new-id" });
    expect(explicit).toMatchObject({ type: "alias", previousId: "explicit-previous", userId: "third" });
    expect(after?.userId).toBe("third");
  });

  it("sends group and screen calls", async () => {
    const { transport, tracker } = setup({ flushAt: 10 });
    tracker.group("acme", { plan: "enterprise" });
    tracker.screen("Checkout", { step: 2 });
    await tracker.flush();
    expect(transport.events()).toMatchObject([
      { type: "group", groupId: "acme", traits: { plan: "enterprise" } },
      { type: "screen", name: "Checkout", properties: { step: 2 } },
    ]);
  });

  it("merges the platform context under the SDK's own fields", async () => {
    const { transport, tracker } = setup(
      { flushAt: 1 },
      {
        platformContext: () => ({ page: { path: "/p/1" }, locale: "pt-BR", session: { id: "spoofed" } }),
      },
    );
    tracker.track("A");
    await tracker.flush();
    const context = transport.events()[0]?.context;
    expect(context).toMatchObject({ page: { path: "/p/1" }, locale: "pt-BR" });
    expect(context?.session?.id).not.toBe("spoofed");
  });

  it("does not throw into the app when the transport throws", async () => {
    const tracker = createTracker(
      { ...options, maxRetries: 0 },
      {
        transport: {
          send: () => {
            throw new Error("boom");
          },
        },
      },
    );
    expect(() => tracker.track("A")).not.toThrow();
    await expect(tracker.flush()).resolves.toBeUndefined();
    expect(tracker.stats().dropped).toBe(1);
  });

  it("does not throw into the app when onError throws", async () => {
    const { transport, tracker } = setup({
      onError: () => {
        throw new Error("handler bug");
      },
    });
    transport.respond({ status: 400 });
    tracker.track("A");
    await expect(tracker.flush()).resolves.toBeUndefined();
    expect(tracker.stats().dropped).toBe(1);
  });

  it("close() flushes what is queued and stops the timers", async () => {
    const { transport, tracker } = setup({ flushAt: 100, flushIntervalMs: 1000 });
    tracker.track("A");
    await tracker.close();
    expect(transport.batches).toHaveLength(1);
    tracker.track("B");
    await vi.advanceTimersByTimeAsync(5000);
    expect(transport.batches).toHaveLength(1);
    expect(tracker.stats().queued).toBe(1);
  });

  it("sends leftovers a previous page left in the store, without sending them twice", async () => {
    const store = createMemoryStore();
    const first = setup({}, { store });
    first.transport.respond({ status: 0 }, { status: 0 });
    first.tracker.track("Left behind");
    await first.tracker.close();
    expect(first.tracker.stats().queued).toBe(1);

    const second = setup({}, { store });
    second.tracker.track("New");
    await second.tracker.flush();
    expect(second.transport.events().map((e) => (e.type === "track" ? e.event : ""))).toEqual(["Left behind", "New"]);
    expect(await store.getAll()).toEqual([]);
  });
});
