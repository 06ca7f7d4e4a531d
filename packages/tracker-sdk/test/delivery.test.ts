import type { WireEvent } from "@shop/event-schema";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EventStore, Lock } from "../src/core/platform.js";
import { createTracker, type TrackerDependencies } from "../src/core/tracker.js";
import { createMemoryStore, createTestingLifecycle, createTestingTransport } from "../src/testing.js";

const options = { writeKey: "wk", host: "http://127.0.0.1:1", flushAt: 50, flushIntervalMs: 1000 };
const names = (events: WireEvent[]) => events.map((e) => (e.type === "track" ? e.event : e.type));

function setup(overrides: Record<string, unknown> = {}, deps: Partial<TrackerDependencies> = {}) {
  const transport = createTestingTransport();
  const lifecycle = createTestingLifecycle();
  const store = createMemoryStore();
  const tracker = createTracker(
    { ...options, ...overrides },
    { transport, lifecycle, store, random: () => 0, ...deps },
  );
  return { transport, lifecycle, store, tracker };
}

/** Two tabs: one shared store, one lock that only `leader` holds. */
function sharedStore(): EventStore {
  const store = createMemoryStore();
  return { ...store, shared: () => true };
}
const lockHeldBy = (holder: { tab: string }, tab: string): Lock => ({ isLeader: () => holder.tab === tab });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("queue caps", () => {
  it("keeps at most maxQueueEvents, dropping the oldest and reporting it", async () => {
    const errors: Array<{ code: string }> = [];
    const { transport, lifecycle, tracker } = setup({
      maxQueueEvents: 3,
      onError: (e: { code: string }) => errors.push(e),
    });
    lifecycle.goOffline();
    for (const name of ["A", "B", "C", "D", "E"]) tracker.track(name);
    expect(tracker.stats()).toEqual({ queued: 3, sent: 0, dropped: 2 });
    expect(errors.map((e) => e.code)).toEqual(["queue_full", "queue_full"]);
    lifecycle.goOnline();
    await tracker.flush();
    expect(names(transport.events())).toEqual(["C", "D", "E"]);
  });

  it("drops the oldest events over maxQueueBytes when the queue is read", async () => {
    const { transport, tracker } = setup({ maxQueueBytes: 2000 });
    for (let i = 0; i < 6; i++) tracker.track(`E${i}`, { pad: "x".repeat(400) });
    await tracker.flush();
    const sent = names(transport.events());
    expect(sent.length).toBeLessThan(6);
    expect(sent).toEqual(["E0", "E1", "E2", "E3", "E4", "E5"].slice(6 - sent.length));
    expect(tracker.stats().dropped).toBe(6 - sent.length);
  });

  it("drops events older than maxQueueAgeMs", async () => {
    const store = createMemoryStore();
    const old = setup({}, { store });
    old.lifecycle.goOffline();
    old.tracker.track("Old");
    await old.tracker.close();
    await vi.advanceTimersByTimeAsync(2 * 86_400_000);
    const fresh = setup({ maxQueueAgeMs: 86_400_000 }, { store });
    fresh.tracker.track("New");
    await fresh.tracker.flush();
    expect(names(fresh.transport.events())).toEqual(["New"]);
    expect(fresh.tracker.stats().dropped).toBe(1);
  });
});

describe("offline and hidden", () => {
  it("sends nothing while offline, spends no retries, and sends everything once online", async () => {
    const { transport, lifecycle, tracker } = setup({ flushAt: 2, maxRetries: 0 });
    lifecycle.goOffline();
    for (const name of ["A", "B", "C"]) tracker.track(name);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport.requests).toHaveLength(0);
    lifecycle.goOnline();
    await tracker.flush();
    expect(names(transport.events())).toEqual(["A", "B", "C"]);
    expect(tracker.stats()).toEqual({ queued: 0, sent: 3, dropped: 0 });
  });

  it("does not count a failure that happened because the network went away", async () => {
    const { transport, lifecycle, tracker } = setup({ maxRetries: 0 });
    const send = transport.send;
    transport.send = async (url, payload) => {
      lifecycle.goOffline();
      return { status: 0, ...(await send(url, { ...payload, batch: [] }).then(() => ({}))) };
    };
    tracker.track("A");
    await tracker.flush();
    expect(tracker.stats()).toEqual({ queued: 1, sent: 0, dropped: 0 });
    transport.send = send;
    lifecycle.goOnline();
    await tracker.flush();
    expect(tracker.stats()).toEqual({ queued: 0, sent: 1, dropped: 0 });
  });

  it("does no interval work while hidden and resumes when visible", async () => {
    const { transport, lifecycle, tracker } = setup({ flushAt: 2 });
    transport.acceptExit = false;
    lifecycle.hide();
    tracker.track("A");
    tracker.track("B");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport.requests).toHaveLength(0);
    lifecycle.show();
    await tracker.flush();
    expect(names(transport.events())).toEqual(["A", "B"]);
  });
});

describe("page exit", () => {
  it("hands the queue to the exit channel when the page is hidden and forgets it", async () => {
    const { transport, lifecycle, store, tracker } = setup();
    for (const name of ["A", "B", "C"]) tracker.track(name);
    await vi.advanceTimersByTimeAsync(0);
    lifecycle.hide();
    expect(transport.exits).toHaveLength(1);
    expect(names(transport.exits[0]?.batch ?? [])).toEqual(["A", "B", "C"]);
    expect(transport.exits[0]?.writeKey).toBe("wk");
    expect(tracker.stats()).toEqual({ queued: 0, sent: 3, dropped: 0 });
    await vi.advanceTimersByTimeAsync(0);
    expect(await store.getAll()).toEqual([]);
  });

  it("sends in smaller chunks what the exit channel refuses as too large, and keeps the rest queued", async () => {
    const { transport, lifecycle, store, tracker } = setup({ flushAt: 500 });
    // A 20 KB budget, as if a keepalive request already used most of the 64 KB.
    let budget = 20_000;
    transport.acceptExit = (payload) => {
      const size = JSON.stringify(payload).length;
      if (size > budget) return false;
      budget -= size;
      return true;
    };
    for (let i = 0; i < 60; i++) tracker.track(`E${i}`, { pad: "x".repeat(900) });
    await vi.advanceTimersByTimeAsync(0);
    lifecycle.hide();
    const sent = transport.exits.flatMap((p) => p.batch);
    expect(transport.exits.length).toBeGreaterThan(1);
    expect(sent.length).toBeGreaterThan(10);
    expect(sent.length).toBeLessThan(60);
    expect(names(sent)).toEqual(Array.from({ length: sent.length }, (_, i) => `E${i}`));
    await vi.advanceTimersByTimeAsync(0);
    const left = await store.getAll();
    expect(left).toHaveLength(60 - sent.length);
    expect(left[0]?.messageId).not.toBe(sent[sent.length - 1]?.messageId);
  });

  it("sends nothing on exit while offline: the store keeps everything for the next visit", async () => {
    const { transport, lifecycle, store, tracker } = setup();
    tracker.track("A");
    await vi.advanceTimersByTimeAsync(0);
    lifecycle.goOffline();
    lifecycle.hide();
    expect(transport.exits).toHaveLength(0);
    expect(names(await store.getAll())).toEqual(["A"]);
  });

  it("lets go of a batch in flight at exit, and takes it back if that send then fails", async () => {
    const { transport, lifecycle, store, tracker } = setup({ flushAt: 2 });
    let answer: (status: number) => void = () => {};
    const send = transport.send;
    transport.send = (url, payload) =>
      new Promise((resolve) => {
        answer = (status) => resolve(status === 200 ? send(url, payload) : { status });
      });
    tracker.track("A");
    tracker.track("B");
    tracker.track("C");
    await vi.advanceTimersByTimeAsync(0);
    lifecycle.hide();
    // A and B are in flight (a keepalive request outlives the page); C goes by the exit channel.
    expect(names(transport.exits.flatMap((p) => p.batch))).toEqual(["C"]);
    await vi.advanceTimersByTimeAsync(0);
    expect(await store.getAll()).toEqual([]);
    // The page lived on and the send failed: the batch is queued and stored again.
    answer(503);
    await vi.advanceTimersByTimeAsync(0);
    expect(names(await store.getAll())).toEqual(["A", "B"]);
    expect(tracker.stats().queued).toBe(2);
  });
  it("keeps in the store what it hands to the exit channel while backing off after a failed send", async () => {
    const { transport, lifecycle, store, tracker } = setup({ flushAt: 2 });
    transport.respond({ status: 503, retryAfterMs: 1000 });
    tracker.track("A");
    tracker.track("B");
    await vi.advanceTimersByTimeAsync(0);
    tracker.track("C");
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.requests).toHaveLength(1);
    lifecycle.hide();
    // The beacon goes (it may get through), but its answer is unknowable: nothing is forgotten.
    expect(names(transport.exits.flatMap((p) => p.batch))).toEqual(["A", "B", "C"]);
    expect(tracker.stats()).toEqual({ queued: 0, sent: 0, dropped: 0 });
    // pagehide after visibilitychange: the same events do not go out twice from this page.
    lifecycle.hide();
    expect(transport.exits).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(names(await store.getAll())).toEqual(["A", "B", "C"]);
  });

  it("keeps a retried batch in flight at exit stored: its failure would go unseen once the page is gone", async () => {
    const { transport, lifecycle, store, tracker } = setup({ flushAt: 2 });
    transport.respond({ status: 503, retryAfterMs: 1000 });
    tracker.track("A");
    tracker.track("B");
    await vi.advanceTimersByTimeAsync(0);
    transport.send = () => new Promise(() => {});
    await vi.advanceTimersByTimeAsync(1000);
    lifecycle.hide();
    expect(transport.exits).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(names(await store.getAll())).toEqual(["A", "B"]);
  });
});

describe("two tabs sharing one store", () => {
  it("only the leader sends; the follower's events reach the collector once through the leader", async () => {
    const store = sharedStore();
    const holder = { tab: "one" };
    const one = setup({ flushAt: 2 }, { store, lock: lockHeldBy(holder, "one") });
    const two = setup({ flushAt: 2 }, { store, lock: lockHeldBy(holder, "two") });
    two.tracker.track("From two 1");
    two.tracker.track("From two 2");
    one.tracker.track("From one");
    await vi.advanceTimersByTimeAsync(0);
    await two.tracker.flush();
    expect(two.transport.requests).toHaveLength(0);
    await one.tracker.flush();
    expect(names(one.transport.events()).sort()).toEqual(["From one", "From two 1", "From two 2"]);
    expect(await store.getAll()).toEqual([]);

    // Leadership moves to tab two: it must not send again what tab one already delivered.
    holder.tab = "two";
    two.tracker.track("Later");
    await two.tracker.flush();
    expect(names(two.transport.events())).toEqual(["Later"]);
  });

  it("a follower hands nothing to the exit channel: the leader sends its events", async () => {
    const store = sharedStore();
    const holder = { tab: "one" };
    const one = setup({}, { store, lock: lockHeldBy(holder, "one") });
    const two = setup({}, { store, lock: lockHeldBy(holder, "two") });
    two.tracker.track("Leaving");
    await vi.advanceTimersByTimeAsync(0);
    two.lifecycle.hide();
    expect(two.transport.exits).toHaveLength(0);
    await one.tracker.flush();
    expect(names(one.transport.events())).toEqual(["Leaving"]);
  });
});
