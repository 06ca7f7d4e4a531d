import type { WireEvent } from "@shop/event-schema";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppStateLike, AsyncStorageLike } from "../src/react-native.js";
import { createTracker } from "../src/react-native.js";
import { createTestingTransport } from "../src/testing.js";

/** AsyncStorage's contract: every call is asynchronous; `failWrites` simulates a full device. */
function asyncStorageStub() {
  const data = new Map<string, string>();
  let failWrites = false;
  const storage: AsyncStorageLike & { data: Map<string, string>; failWrites(on: boolean): void } = {
    data,
    failWrites: (on) => {
      failWrites = on;
    },
    getItem: async (key) => data.get(key) ?? null,
    setItem: async (key, value) => {
      await Promise.resolve();
      if (failWrites) throw new Error("database or disk is full");
      data.set(key, value);
    },
    removeItem: async (key) => {
      data.delete(key);
    },
  };
  return storage;
}

/** AppState's contract: currentState and "change" listeners. */
function appStateStub(): AppStateLike & { set(state: string): void } {
  const listeners: Array<(state: string) => void> = [];
  const appState = {
    currentState: "active" as string | null,
    addEventListener: (_type: "change", listener: (state: string) => void) => {
      listeners.push(listener);
      return { remove() {} };
    },
    set(state: string) {
      appState.currentState = state;
      for (const listener of listeners) listener(state);
    },
  };
  return appState;
}

const options = { host: "https://collect.example", writeKey: "wk", flushAt: 100, flushIntervalMs: 60_000 };
const names = (events: WireEvent[]) => events.map((e) => (e.type === "track" ? e.event : e.type));
const settle = () => vi.advanceTimersByTimeAsync(0);
/** React Native has fetch but no page-exit channel (no sendBeacon): the adapter's transport has no sendOnExit. */
const fetchOnly = (transport: ReturnType<typeof createTestingTransport>) => ({ send: transport.send });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("React Native adapter", () => {
  it("keeps the anonymous id and queued events across app restarts in AsyncStorage", async () => {
    const asyncStorage = asyncStorageStub();
    const offline = createTestingTransport({ status: 0 }, { status: 0 });
    const first = createTracker({ ...options, asyncStorage }, { transport: fetchOnly(offline) });
    first.track("Before restart");
    await settle();
    await first.close();
    expect(offline.batches).toHaveLength(0);
    const anonymousId = first.anonymousId();

    const transport = createTestingTransport();
    const second = createTracker({ ...options, asyncStorage }, { transport: fetchOnly(transport) });
    // Called before AsyncStorage answered: the call waits for the stored ids instead of inventing new ones.
    second.track("After restart");
    await settle();
    expect(second.anonymousId()).toBe(anonymousId);
    await second.flush();
    expect(names(transport.events())).toEqual(["Before restart", "After restart"]);
    expect(transport.events().every((e) => e.anonymousId === anonymousId)).toBe(true);
    await settle();
    expect(JSON.parse(asyncStorage.data.get("shop_tracker.queue.wk") ?? "null")).toEqual([]);
  });

  it("flushes when the app goes to the background and does no interval work there", async () => {
    const appState = appStateStub();
    const transport = createTestingTransport();
    const tracker = createTracker({ ...options, flushIntervalMs: 1000, appState }, { transport: fetchOnly(transport) });
    tracker.track("A");
    await settle();
    appState.set("background");
    await settle();
    expect(names(transport.events())).toEqual(["A"]);
    tracker.track("B");
    await vi.advanceTimersByTimeAsync(5000);
    expect(names(transport.events())).toEqual(["A"]);
    appState.set("active");
    await settle();
    expect(names(transport.events())).toEqual(["A", "B"]);
  });

  it("waits while the app says it is offline", async () => {
    let online = false;
    const transport = createTestingTransport();
    const tracker = createTracker(
      { ...options, flushAt: 1, appState: appStateStub(), isOnline: () => online },
      { transport: fetchOnly(transport) },
    );
    tracker.track("A");
    await vi.advanceTimersByTimeAsync(120_000);
    expect(transport.requests).toHaveLength(0);
    online = true;
    await tracker.flush();
    expect(names(transport.events())).toEqual(["A"]);
  });

  it("keeps tracking and sending when AsyncStorage is full", async () => {
    const asyncStorage = asyncStorageStub();
    asyncStorage.failWrites(true);
    const transport = createTestingTransport();
    const tracker = createTracker({ ...options, asyncStorage }, { transport: fetchOnly(transport) });
    expect(() => tracker.track("A")).not.toThrow();
    await settle();
    await tracker.flush();
    expect(names(transport.events())).toEqual(["A"]);
  });

  it("adds the context the app passes", async () => {
    const transport = createTestingTransport();
    const tracker = createTracker(
      { ...options, context: () => ({ screen: { width: 390, height: 844, density: 3 }, locale: "pt-BR" }) },
      { transport: fetchOnly(transport) },
    );
    tracker.screen("Home");
    await tracker.flush();
    expect(transport.events()[0]).toMatchObject({
      type: "screen",
      name: "Home",
      context: { screen: { width: 390 }, locale: "pt-BR" },
    });
  });
});
