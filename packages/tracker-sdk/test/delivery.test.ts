import type { WireEvent } from "@shop/event-schema";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TrackerError } from "../src/core/errors.js";
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
    expect(tracker.stats()).toEqual({ queued: 3, sent: 0, dropped: 2, rejected: 0 });
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
    expect(tracker.stats()).toEqual({ queued: 0, sent: 3, dropped: 0, rejected: 0 });
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
    expect(tracker.stats()).toEqual({ queued: 1, sent: 0, dropped: 0, rejected: 0 });
    transport.send = send;
    lifecycle.goOnline();
    await tracker.flush();
    expect(tracker.stats()).toEqual({ queued: 0, sent: 1, dropped: 0, rejected: 0 });
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
    expect(tracker.stats()).toEqual({ queued: 0, sent: 3, dropped: 0, rejected: 0 });
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
    expect(tracker.stats()).toEqual({ queued: 0, sent: 0, dropped: 0, rejected: 0 });
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

/** A store that counts the calls made to it (each one is an IndexedDB transaction in a browser). */
function countingStore(inner: EventStore = createMemoryStore()) {
  const calls: string[] = [];
  const store: EventStore = {
    getAll() {
      calls.push("getAll");
      return inner.getAll();
    },
    put(events) {
      calls.push(`put ${events.length}`);
      return inner.put(events);
    },
    remove(ids) {
      calls.push(`remove ${ids.length}`);
      return inner.remove(ids);
    },
    clear() {
      calls.push("clear");
      return inner.clear();
    },
    shared: () => inner.shared?.() ?? true,
  };
  return { store, calls };
}

describe("write-behind persistence", () => {
  it("a batch sent within a second of being tracked costs the store nothing", async () => {
    const { store, calls } = countingStore();
    const { transport, tracker } = setup({ flushAt: 3 }, { store });
    for (const name of ["A", "B", "C"]) tracker.track(name);
    await vi.advanceTimersByTimeAsync(0);
    // The first send reads the store for leftovers of earlier visits. Events tracked in the task that
    // creates the tracker are written when consent is applied, a microtask later than that read.
    expect(calls).toEqual(["getAll", "put 3", "remove 3"]);
    calls.length = 0;
    for (let round = 0; round < 5; round++) {
      for (const name of ["D", "E", "F"]) tracker.track(name);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(transport.events()).toHaveLength(18);
    expect(calls).toEqual([]);
  });

  it("the first send after the read of the store writes nothing and removes nothing", async () => {
    // A page exit while that send is on its way then has nothing to take back out of the store: a
    // removal made as a tab closes may not outlive it (seen in Chromium under load), and the next visit
    // would send the events again.
    const { store, calls } = countingStore();
    const { transport, tracker } = setup({ flushAt: 3 }, { store });
    await vi.advanceTimersByTimeAsync(0);
    for (const name of ["A", "B", "C"]) tracker.track(name);
    await vi.advanceTimersByTimeAsync(0);
    expect(names(transport.events())).toEqual(["A", "B", "C"]);
    expect(calls).toEqual(["getAll"]);
  });

  it("an event still unsent after a second is in the store", async () => {
    const { store } = countingStore();
    const { tracker } = setup({ flushAt: 50, flushIntervalMs: 60_000 }, { store });
    // Events tracked in the task that creates the tracker are written when consent is applied.
    await vi.advanceTimersByTimeAsync(0);
    tracker.track("A");
    await vi.advanceTimersByTimeAsync(999);
    expect(await store.getAll()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(names(await store.getAll())).toEqual(["A"]);
  });

  it("the leader reads what another tab wrote once per flush interval, not before every send, and sends it once", async () => {
    const shared = sharedStore();
    const holder = { tab: "one" };
    const quiet = { flushAt: 2, flushIntervalMs: 2000 };
    const one = setup(quiet, { store: shared, lock: lockHeldBy(holder, "one") });
    const two = setup(quiet, { store: shared, lock: lockHeldBy(holder, "two") });
    await vi.advanceTimersByTimeAsync(0);
    one.tracker.track("One 1");
    one.tracker.track("One 2");
    two.tracker.track("Two 1");
    await vi.advanceTimersByTimeAsync(1000);
    // Written behind within a second, but the leader does not read the store before this send.
    expect(names(await shared.getAll())).toEqual(["Two 1"]);
    one.tracker.track("One 3");
    one.tracker.track("One 4");
    await vi.advanceTimersByTimeAsync(0);
    expect(names(one.transport.events())).toEqual(["One 1", "One 2", "One 3", "One 4"]);
    // The interval reads the store again.
    await vi.advanceTimersByTimeAsync(1000);
    expect(names(one.transport.events())).toEqual(["One 1", "One 2", "One 3", "One 4", "Two 1"]);
    expect(two.transport.requests).toHaveLength(0);
    expect(await shared.getAll()).toEqual([]);
  });

  it("a page exit during a store read hands everything over and sets the read's result aside", async () => {
    const inner = createMemoryStore();
    let release: (() => void) | undefined;
    const slowRead: EventStore = {
      ...inner,
      // The first read waits for the test; later ones answer at once.
      getAll: () => (release ? inner.getAll() : new Promise((resolve) => (release = () => resolve(inner.getAll())))),
      shared: () => true,
    };
    const { transport, lifecycle, tracker } = setup({ flushAt: 2 }, { store: slowRead });
    tracker.track("A");
    tracker.track("B");
    tracker.track("C");
    lifecycle.hide();
    expect(names(transport.exits.flatMap((p) => p.batch))).toEqual(["A", "B", "C"]);
    release?.();
    await vi.advanceTimersByTimeAsync(0);
    lifecycle.show();
    await tracker.flush();
    // Nothing went twice: the read, begun before the exit, still held A, B and C.
    expect(names(transport.events())).toEqual(["A", "B", "C"]);
    expect(tracker.stats()).toEqual({ queued: 0, sent: 3, dropped: 0, rejected: 0 });
  });
});

describe("events the collector rejected", () => {
  const reason = (index: number, messageId: string) => ({
    index,
    messageId,
    code: "schema_violation",
    message: "must have required property 'event'",
    path: "/event",
  });

  it("counts the events a 200 lists in rejected[] as rejected, not sent, and reports their reasons", async () => {
    const errors: TrackerError[] = [];
    const { transport, tracker } = setup({ flushAt: 3, onError: (e: TrackerError) => errors.push(e) });
    const ids = ["A", "B", "C"].map((name) => tracker.track(name));
    transport.respond({ status: 200, rejected: [reason(1, ids[1] as string)] });
    await tracker.flush();
    expect(tracker.stats()).toEqual({ queued: 0, sent: 2, dropped: 0, rejected: 1 });
    // Not retried: a dead-lettered event would be refused again.
    expect(transport.requests).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TrackerError);
    expect(errors[0]?.code).toBe("events_rejected");
    expect(errors[0]?.rejected).toEqual([reason(1, ids[1] as string)]);
  });

  it("a 400 that lists every event as rejected counts them rejected, not as a dropped batch", async () => {
    const errors: TrackerError[] = [];
    const { transport, tracker } = setup({ flushAt: 2, onError: (e: TrackerError) => errors.push(e) });
    const ids = ["A", "B"].map((name) => tracker.track(name));
    transport.respond({ status: 400, rejected: ids.map((id, index) => reason(index, id)) });
    await tracker.flush();
    expect(tracker.stats()).toEqual({ queued: 0, sent: 0, dropped: 0, rejected: 2 });
    expect(errors.map((e) => [e.code, e.rejected?.length])).toEqual([["events_rejected", 2]]);
  });

  it("a 400 without reasons still drops the batch as before", async () => {
    const errors: TrackerError[] = [];
    const { transport, tracker } = setup({ flushAt: 1, onError: (e: TrackerError) => errors.push(e) });
    transport.respond({ status: 400 });
    tracker.track("A");
    await tracker.flush();
    expect(tracker.stats()).toEqual({ queued: 0, sent: 0, dropped: 1, rejected: 0 });
    expect(errors.map((e) => [e.code, e.rejected])).toEqual([["batch_dropped", undefined]]);
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
