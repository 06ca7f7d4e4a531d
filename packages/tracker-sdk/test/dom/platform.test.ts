// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import type { BatchPayload } from "../../src/core/platform.js";
import { createTracker } from "../../src/core/tracker.js";
import { createPageContext } from "../../src/platform/browser/context.js";
import { createBrowserKeyValueStore } from "../../src/platform/browser/kv.js";
import { createBrowserLifecycle } from "../../src/platform/browser/lifecycle.js";
import { createBrowserLock } from "../../src/platform/browser/lock.js";
import { createBrowserTransport, gzip } from "../../src/platform/browser/transport.js";
import { createTestingLifecycle, createTestingTransport } from "../../src/testing.js";

const payload = (size: number): BatchPayload => ({
  batch: [{ type: "track", event: "E", messageId: "m", anonymousId: "a", properties: { pad: "x".repeat(size) } }],
  sentAt: "2026-11-28T15:00:00.000Z",
  writeKey: "wk",
});

/** A LockManager with the Web Locks semantics the lock relies on: FIFO grants, abortable waits. */
function fakeLockManager() {
  const waiting = new Map<string, Array<() => void>>();
  const held = new Set<string>();
  const next = (name: string) => waiting.get(name)?.shift()?.();
  return {
    request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>) {
      return new Promise<void>((resolve, reject) => {
        const grant = async () => {
          held.add(name);
          await callback();
          held.delete(name);
          resolve();
          next(name);
        };
        const queue = waiting.get(name) ?? [];
        waiting.set(name, queue);
        options.signal?.addEventListener("abort", () => {
          const index = queue.indexOf(grant);
          if (index >= 0) queue.splice(index, 1);
          reject(new DOMException("aborted", "AbortError"));
        });
        queue.push(grant);
        if (!held.has(name)) next(name);
      });
    },
  };
}

const realLocks = Object.getOwnPropertyDescriptor(navigator, "locks");
function setLocks(value: unknown) {
  Object.defineProperty(navigator, "locks", { value, configurable: true });
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  vi.useRealTimers();
  localStorage.clear();
  if (realLocks) Object.defineProperty(navigator, "locks", realLocks);
  else Reflect.deleteProperty(navigator, "locks");
});

describe("browser key/value store", () => {
  it("writes through to localStorage, so another tab reads the same ids", () => {
    const kv = createBrowserKeyValueStore();
    kv.set("k", "v");
    expect(localStorage.getItem("k")).toBe("v");
    expect(createBrowserKeyValueStore().get("k")).toBe("v");
    kv.delete("k");
    expect(kv.get("k")).toBeNull();
  });

  it("keeps a value in memory when localStorage refuses it", () => {
    vi.stubGlobal("localStorage", {
      getItem: () => null,
      removeItem: () => {},
      setItem: () => {
        throw new DOMException("full", "QuotaExceededError");
      },
    });
    const kv = createBrowserKeyValueStore();
    expect(() => kv.set("k", "v")).not.toThrow();
    expect(kv.get("k")).toBe("v");
  });

  it("gives every event one in-memory anonymousId when touching localStorage throws SecurityError", async () => {
    const descriptor = Object.getOwnPropertyDescriptor(window, "localStorage");
    Object.defineProperty(window, "localStorage", {
      configurable: true,
      get() {
        throw new DOMException("Access is denied for this document.", "SecurityError");
      },
    });
    try {
      expect(() => localStorage).toThrow();
      const transport = createTestingTransport();
      const tracker = createTracker(
        { writeKey: "wk", host: "http://127.0.0.1:1", flushAt: 500 },
        { transport, kv: createBrowserKeyValueStore() },
      );
      tracker.track("A");
      tracker.track("B");
      await tracker.flush();
      const ids = transport.events().map((event) => event.anonymousId);
      expect(ids).toHaveLength(2);
      expect(typeof ids[0]).toBe("string");
      expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(ids[1]).toBe(ids[0]);
      expect(tracker.anonymousId()).toBe(ids[0]);
    } finally {
      if (descriptor) Object.defineProperty(window, "localStorage", descriptor);
    }
  });
});

describe("browser lifecycle", () => {
  it("reports hidden on visibilitychange and pagehide, visible, online and the network state", () => {
    const lifecycle = createBrowserLifecycle();
    const seen: string[] = [];
    lifecycle.onHidden(() => seen.push("hidden"));
    lifecycle.onVisible(() => seen.push("visible"));
    lifecycle.onOnline(() => seen.push("online"));
    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
    expect(lifecycle.isVisible?.()).toBe(false);
    window.dispatchEvent(new Event("pagehide"));
    Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
    document.dispatchEvent(new Event("visibilitychange"));
    window.dispatchEvent(new Event("online"));
    expect(seen).toEqual(["hidden", "hidden", "visible", "online"]);
    vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    expect(lifecycle.isOnline()).toBe(false);
  });
});

describe("leader lock", () => {
  it("with Web Locks: one visible tab leads; a hidden leader steps down and the next tab takes over", async () => {
    setLocks(fakeLockManager());
    const one = createTestingLifecycle();
    const two = createTestingLifecycle();
    const first = createBrowserLock("q.leader", one);
    const second = createBrowserLock("q.leader", two);
    await vi.waitFor(() => expect(first.isLeader()).toBe(true));
    expect(second.isLeader()).toBe(false);
    one.hide();
    // Still the leader while its own page-exit flush runs; steps down right after.
    expect(first.isLeader()).toBe(true);
    await vi.waitFor(() => expect(second.isLeader()).toBe(true));
    expect(first.isLeader()).toBe(false);
    one.show();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(first.isLeader()).toBe(false);
  });

  it("without Web Locks: every tab leads (a possible duplicate rather than an event left unsent)", () => {
    setLocks(undefined);
    const one = createTestingLifecycle();
    const first = createBrowserLock("nl.leader", one);
    const second = createBrowserLock("nl.leader", createTestingLifecycle());
    expect([first.isLeader(), second.isLeader()]).toEqual([true, true]);
    expect(localStorage.length).toBe(0);
  });
});

describe("browser transport", () => {
  it("sends with keepalive as a CORS-simple text/plain request", async () => {
    const calls: RequestInit[] = [];
    vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
      calls.push(init);
      return new Response(null, { status: 200 });
    });
    const result = await createBrowserTransport().send("http://c/v1/batch", payload(10));
    expect(result.status).toBe(200);
    expect(calls[0]).toMatchObject({ method: "POST", keepalive: true });
    expect(typeof calls[0]?.body).toBe("string");
    expect(calls[0]?.headers).toBeUndefined();
  });

  it("answers a failed fetch only after a moment, so a page exit in between sees the batch still in flight", async () => {
    vi.useFakeTimers();
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("Failed to fetch");
    });
    let settled: unknown;
    void createBrowserTransport()
      .send("http://c/v1/batch", payload(10))
      .then((result) => (settled = result));
    await vi.advanceTimersByTimeAsync(40);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(20);
    expect(settled).toEqual({ status: 0 });
  });

  it("sends without keepalive what does not fit the 64 KiB budget", async () => {
    const calls: RequestInit[] = [];
    vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
      calls.push(init);
      return new Response(null, { status: 200 });
    });
    await createBrowserTransport().send("http://c/v1/batch", payload(70_000));
    expect(calls[0]?.keepalive).toBe(false);
  });

  it("hands page-exit batches to sendBeacon, and refuses what the keepalive budget cannot take", async () => {
    let release: (value: Response) => void = () => {};
    vi.stubGlobal("fetch", () => new Promise((resolve) => (release = resolve)));
    const beacons: Array<[string, string]> = [];
    vi.spyOn(navigator, "sendBeacon").mockImplementation((url, body) => {
      beacons.push([String(url), String(body)]);
      return true;
    });
    const transport = createBrowserTransport();
    expect(transport.sendOnExit?.("http://c/v1/batch", payload(100))).toBe(true);
    expect(JSON.parse(beacons[0]?.[1] ?? "{}").writeKey).toBe("wk");
    // 50 KB of a regular send still in flight leaves no room for 20 KB more.
    const pending = transport.send("http://c/v1/batch", payload(50_000));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(transport.sendOnExit?.("http://c/v1/batch", payload(20_000))).toBe(false);
    expect(transport.sendOnExit?.("http://c/v1/batch", payload(5_000))).toBe(true);
    release(new Response(null, { status: 200 }));
    await pending;
    expect(transport.sendOnExit?.("http://c/v1/batch", payload(20_000))).toBe(true);
    expect(beacons).toHaveLength(3);
  });

  it("reports the browser's refusal of a beacon", () => {
    vi.spyOn(navigator, "sendBeacon").mockReturnValue(false);
    expect(createBrowserTransport().sendOnExit?.("http://c/v1/batch", payload(10))).toBe(false);
  });

  it("gzips regular sends when asked, and says so", async () => {
    const calls: RequestInit[] = [];
    vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
      calls.push(init);
      return new Response(null, { status: 200 });
    });
    await createBrowserTransport({ compress: gzip }).send("http://c/v1/batch", payload(5000));
    const body = calls[0]?.body as Blob;
    expect(calls[0]?.headers).toEqual({ "content-type": "text/plain", "content-encoding": "gzip" });
    const text = await new Response(body.stream().pipeThrough(new DecompressionStream("gzip"))).text();
    expect(JSON.parse(text)).toEqual(payload(5000));
    expect(body.size).toBeLessThan(1000);
  });
});

describe("page context", () => {
  it("reads the page (its search with the UTM parameters, which the collector turns into the campaign), locale, timezone, screen and user agent", () => {
    history.replaceState(null, "", "/p/42?utm_source=news&utm_medium=email&utm_campaign=black-friday&x=1");
    document.title = "Product 42";
    const context = createPageContext()();
    expect(context).toMatchObject({
      page: { url: location.href, path: "/p/42", title: "Product 42", search: location.search },
      locale: navigator.language,
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      screen: { width: screen.width, height: screen.height, density: devicePixelRatio },
      userAgent: navigator.userAgent,
    });
    expect(context.campaign).toBeUndefined();
  });
});
