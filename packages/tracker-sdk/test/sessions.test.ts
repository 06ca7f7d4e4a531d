import type { WireEvent } from "@shop/event-schema";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTracker } from "../src/core/tracker.js";
import { createMemoryKeyValueStore, createTestingTransport } from "../src/testing.js";

const options = { writeKey: "wk", host: "http://127.0.0.1:1", flushAt: 100, flushIntervalMs: 300_000 };
const sessions = (events: WireEvent[]) => events.map((e) => e.context?.session);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("sessions", () => {
  it("starts a new session after 30 minutes without events, with a start flag and seq from 0", async () => {
    const transport = createTestingTransport();
    const tracker = createTracker(options, { transport });
    tracker.track("A");
    await vi.advanceTimersByTimeAsync(29 * 60_000);
    tracker.track("B");
    await vi.advanceTimersByTimeAsync(30 * 60_000 + 1);
    tracker.track("C");
    tracker.track("D");
    await tracker.flush();
    const [a, b, c, d] = sessions(transport.events());
    expect(a).toMatchObject({ seq: 0, start: true });
    expect(b).toEqual({ id: a?.id, seq: 1 });
    expect(c).toMatchObject({ seq: 0, start: true });
    expect(c?.id).not.toBe(a?.id);
    expect(d).toEqual({ id: c?.id, seq: 1 });
  });

  it("takes the inactivity timeout from sessionTimeoutMs", async () => {
    const transport = createTestingTransport();
    const tracker = createTracker({ ...options, sessionTimeoutMs: 60_000 }, { transport });
    tracker.track("A");
    await vi.advanceTimersByTimeAsync(60_001);
    tracker.track("B");
    await tracker.flush();
    const [a, b] = sessions(transport.events());
    expect(b?.id).not.toBe(a?.id);
    expect(b?.start).toBe(true);
  });

  it("shares one session and one gap-free sequence between two tabs on the same storage", async () => {
    const kv = createMemoryKeyValueStore();
    const one = createTestingTransport();
    const two = createTestingTransport();
    const tabOne = createTracker(options, { transport: one, kv });
    const tabTwo = createTracker(options, { transport: two, kv });
    // Tabs take turns task by task (each has its own event loop); a tab writes its session at the
    // end of its task, before the other tab's next one.
    const task = () => vi.advanceTimersByTimeAsync(0);
    tabOne.track("1");
    await task();
    tabTwo.track("2");
    await task();
    tabOne.track("3");
    await task();
    tabTwo.track("4");
    await task();
    await tabOne.flush();
    await tabTwo.flush();
    const all = [...one.events(), ...two.events()].sort(
      (x, y) => Number(x.context?.session?.seq) - Number(y.context?.session?.seq),
    );
    expect(new Set(sessions(all).map((s) => s?.id)).size).toBe(1);
    expect(sessions(all).map((s) => s?.seq)).toEqual([0, 1, 2, 3]);
    expect(tabTwo.anonymousId()).toBe(tabOne.anonymousId());
  });

  it("resumes the stored session after a reload within the timeout", async () => {
    const kv = createMemoryKeyValueStore();
    const first = createTestingTransport();
    createTracker(options, { transport: first, kv }).track("Before reload");
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    const second = createTestingTransport();
    const tracker = createTracker(options, { transport: second, kv });
    tracker.track("After reload");
    await tracker.flush();
    const [session] = sessions(second.events());
    expect(session).toMatchObject({ seq: 1 });
    expect(session?.start).toBeUndefined();
  });

  it("keeps working when the stored ids are unreadable", async () => {
    const kv = createMemoryKeyValueStore({ "shop_tracker.ids": "{not json", "shop_tracker.session": "[" });
    const transport = createTestingTransport();
    const tracker = createTracker(options, { transport, kv });
    tracker.track("A");
    await tracker.flush();
    expect(transport.events()[0]?.anonymousId).toMatch(/^[0-9a-f-]{36}$/);
    expect(transport.events()[0]?.context?.session?.start).toBe(true);
  });
});
