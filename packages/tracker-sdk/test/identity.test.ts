import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isTrackerError, TrackerError } from "../src/core/errors.js";
import { createTracker, type TrackerDependencies } from "../src/core/tracker.js";
import { createMemoryKeyValueStore, createMemoryStore, createTestingTransport } from "../src/testing.js";

const options = { writeKey: "wk", host: "http://127.0.0.1:1", flushAt: 100, flushIntervalMs: 300_000 };

function setup(overrides: Record<string, unknown> = {}, deps: Partial<TrackerDependencies> = {}) {
  const transport = createTestingTransport();
  const kv = createMemoryKeyValueStore() as Map<string, string>;
  const tracker = createTracker({ ...options, ...overrides }, { transport, kv, store: createMemoryStore(), ...deps });
  return { transport, kv, tracker };
}
const stored = (kv: Map<string, string>) => JSON.parse(kv.get("shop_tracker.ids") ?? "null");

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.parse("2026-12-06T12:00:00.000Z"));
});
afterEach(() => {
  vi.useRealTimers();
});

describe("identify and the user", () => {
  it("identify(traits) keeps the user id, persists the traits and sends them all", async () => {
    const { transport, kv, tracker } = setup();
    tracker.identify("user-1", { plan: "gold" });
    tracker.identify({ email: "a@example.com" });
    await tracker.flush();
    const [first, second] = transport.events();
    expect(first).toMatchObject({ type: "identify", userId: "user-1", traits: { plan: "gold" } });
    expect(second).toMatchObject({
      type: "identify",
      userId: "user-1",
      traits: { plan: "gold", email: "a@example.com" },
    });
    expect(stored(kv)).toMatchObject({ u: "user-1", t: { plan: "gold", email: "a@example.com" } });

    // A new tracker on the same storage (the next page) knows the user and the traits.
    const next = setup({}, { kv });
    expect(next.tracker.user().id()).toBe("user-1");
    expect(next.tracker.user().traits()).toEqual({ plan: "gold", email: "a@example.com" });
  });

  it("identify with another user id starts from no traits; the same id merges", async () => {
    const { tracker } = setup();
    tracker.identify("user-1", { plan: "gold", vip: true });
    tracker.identify("user-1", { plan: "silver" });
    expect(tracker.user().traits()).toEqual({ plan: "silver", vip: true });
    tracker.identify("user-2", { plan: "free" });
    expect(tracker.user().traits()).toEqual({ plan: "free" });
    expect(tracker.user().id()).toBe("user-2");
  });

  it("identify(traits) before any user id collects anonymous traits, kept when the user logs in", () => {
    const { tracker } = setup();
    tracker.identify({ newsletter: true });
    expect(tracker.user().id()).toBeUndefined();
    tracker.identify("user-1", { plan: "gold" });
    expect(tracker.user().traits()).toEqual({ newsletter: true, plan: "gold" });
  });

  it("user() traits are a copy: changing them changes nothing stored", () => {
    const { tracker } = setup();
    tracker.identify("user-1", { plan: "gold" });
    tracker.user().traits().plan = "changed";
    expect(tracker.user().traits()).toEqual({ plan: "gold" });
  });

  it("reset() forgets the user id, the traits, the anonymous id and the session", async () => {
    const { transport, kv, tracker } = setup();
    tracker.identify("user-1", { plan: "gold" });
    tracker.track("Before");
    const before = { anonymousId: tracker.anonymousId(), session: tracker.sessionId() };
    tracker.reset();
    expect(tracker.user().id()).toBeUndefined();
    expect(tracker.user().traits()).toEqual({});
    expect(tracker.anonymousId()).not.toBe(before.anonymousId);
    expect(tracker.sessionId()).toBeUndefined();
    expect(stored(kv)).toEqual({ a: tracker.anonymousId() });
    tracker.track("After");
    await tracker.flush();
    const after = transport.events().at(-1);
    expect(after?.userId).toBeUndefined();
    expect(after?.context?.session?.id).not.toBe(before.session);
  });
});

describe("identity() without a DOM (server rendering)", () => {
  it("changes nothing and throws nothing", async () => {
    const { identity } = await import("../src/platform/browser/identity.js");
    const { tracker } = setup({ plugins: [identity({ cookieDomain: ".shop.example" })] });
    expect(() => tracker.track("A")).not.toThrow();
    expect(tracker.anonymousId()).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("anonymous id", () => {
  it("setAnonymousId replaces it for later events and is stored", async () => {
    const { transport, kv, tracker } = setup();
    tracker.track("Before");
    tracker.setAnonymousId("server-anon-1");
    tracker.track("After");
    await tracker.flush();
    expect(transport.events().map((e) => e.anonymousId)).toEqual([expect.any(String), "server-anon-1"]);
    expect(transport.events()[0]?.anonymousId).not.toBe("server-anon-1");
    expect(tracker.user().anonymousId()).toBe("server-anon-1");
    expect(stored(kv).a).toBe("server-anon-1");
  });

  it("the anonymousId option (server bootstrap) wins over the stored id and keeps the user", async () => {
    const kv = createMemoryKeyValueStore({ "shop_tracker.ids": JSON.stringify({ a: "old", u: "user-1" }) }) as Map<
      string,
      string
    >;
    const { transport, tracker } = setup({ anonymousId: "from-server" }, { kv });
    tracker.track("First");
    await tracker.flush();
    expect(transport.events()[0]).toMatchObject({ anonymousId: "from-server", userId: "user-1" });
    expect(stored(kv)).toMatchObject({ a: "from-server", u: "user-1" });
  });
});

describe("sessionId()", () => {
  it("is the id events carry, and undefined once the session timed out", async () => {
    const { transport, tracker } = setup();
    expect(tracker.sessionId()).toBeUndefined();
    tracker.track("A");
    const id = tracker.sessionId();
    await tracker.flush();
    expect(id).toBeDefined();
    expect(transport.events()[0]?.context?.session?.id).toBe(id);
    vi.advanceTimersByTime(30 * 60_000 + 1);
    expect(tracker.sessionId()).toBeUndefined();
    tracker.track("B");
    expect(tracker.sessionId()).not.toBe(id);
  });
});

describe("call options (the third argument, as in Segment)", () => {
  it("timestamp, context and messageId on every call", async () => {
    const { transport, tracker } = setup();
    const returned = tracker.track(
      "Order Completed",
      { order_id: "o-1" },
      {
        timestamp: new Date("2026-12-01T10:00:00.000Z"),
        context: { ip: "203.0.113.9", campaign: { name: "winter" } },
        messageId: "fixed-id-1",
      },
    );
    tracker.page("Home", {}, { timestamp: "2026-12-02T10:00:00.000Z" });
    tracker.screen("Cart", {}, { timestamp: Date.parse("2026-12-03T10:00:00.000Z") });
    tracker.identify("user-1", { plan: "gold" }, { messageId: "identify-1" });
    tracker.identify({ plan: "silver" }, { messageId: "identify-2" });
    tracker.group("g-1", {}, { messageId: "group-1" });
    tracker.alias("user-2", undefined, { messageId: "alias-1" });
    await tracker.flush();
    const events = transport.events();
    expect(returned).toBe("fixed-id-1");
    expect(events[0]).toMatchObject({
      messageId: "fixed-id-1",
      timestamp: "2026-12-01T10:00:00.000Z",
      context: { ip: "203.0.113.9", campaign: { name: "winter" }, library: { name: "@shop/tracker" } },
    });
    // The SDK's own context stays: library and session are not the caller's to replace.
    expect(events[0]?.context?.session?.id).toBeDefined();
    expect(events.slice(1, 3).map((e) => e.timestamp)).toEqual([
      "2026-12-02T10:00:00.000Z",
      "2026-12-03T10:00:00.000Z",
    ]);
    expect(events.slice(3).map((e) => e.messageId)).toEqual(["identify-1", "identify-2", "group-1", "alias-1"]);
    expect(events[4]).toMatchObject({ userId: "user-1", traits: { plan: "silver" } });
  });

  it("an unreadable timestamp is the call's time, not an exception in the page", async () => {
    const { transport, tracker } = setup();
    expect(() => tracker.track("A", {}, { timestamp: "not a date" })).not.toThrow();
    await tracker.flush();
    expect(transport.events()[0]?.timestamp).toBe("2026-12-06T12:00:00.000Z");
  });
});

describe("consent values are checked", () => {
  it('setConsent("yes") throws a TrackerError naming the accepted values and changes nothing', async () => {
    const { transport, kv, tracker } = setup();
    let thrown: unknown;
    try {
      tracker.setConsent("yes" as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TrackerError);
    expect(isTrackerError(thrown) && thrown.code).toBe("invalid_consent");
    expect((thrown as Error).message).toMatch(/yes.*granted.*denied.*pending/);
    expect(tracker.consent()).toBe("granted");
    expect(kv.has("shop_tracker.consent")).toBe(false);
    tracker.track("Still sent");
    await tracker.flush();
    expect(transport.events()).toHaveLength(1);
  });

  it("an invalid consent option throws at createTracker", () => {
    expect(() => setup({ consent: "true" })).toThrow(expect.objectContaining({ code: "invalid_consent" }));
    for (const consent of ["granted", "denied", "pending", undefined]) expect(() => setup({ consent })).not.toThrow();
  });
});
