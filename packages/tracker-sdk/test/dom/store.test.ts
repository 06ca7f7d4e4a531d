// @vitest-environment happy-dom
import "fake-indexeddb/auto";
import type { WireEvent } from "@shop/event-schema";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createBrowserStore } from "../../src/platform/browser/store.js";

let n = 0;
const event = (name: string, at = Date.now() + n++): WireEvent =>
  ({
    type: "track",
    event: name,
    messageId: `${at.toString(16).padStart(12, "0")}-${name}`,
    anonymousId: "a",
    timestamp: new Date(at).toISOString(),
  }) as WireEvent;
const names = (events: WireEvent[]) => events.map((e) => (e.type === "track" ? e.event : ""));
const quota = () => new DOMException("The quota has been exceeded.", "QuotaExceededError");

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe("browser event store", () => {
  it("keeps events in IndexedDB across page loads, oldest first, shared with other tabs", async () => {
    const name = `idb-${Math.random()}`;
    const first = createBrowserStore(name);
    await first.put([event("A"), event("B")]);
    await first.put([event("C")]);
    expect(first.shared?.()).toBe(true);
    const reloaded = createBrowserStore(name);
    expect(names(await reloaded.getAll())).toEqual(["A", "B", "C"]);
    const [a] = await reloaded.getAll();
    await reloaded.remove([a?.messageId ?? ""]);
    expect(names(await first.getAll())).toEqual(["B", "C"]);
    await first.clear();
    expect(await reloaded.getAll()).toEqual([]);
    expect(localStorage.length).toBe(0);
  });

  it("falls back to memory when IndexedDB cannot be opened: the tab's queue is its own", async () => {
    vi.spyOn(indexedDB, "open").mockImplementation(() => {
      throw new DOMException("blocked", "SecurityError");
    });
    const name = `mem-${Math.random()}`;
    const store = createBrowserStore(name);
    await store.put([event("A"), event("B")]);
    expect(store.shared?.()).toBe(false);
    expect(names(await store.getAll())).toEqual(["A", "B"]);
    await store.remove([(await store.getAll())[0]?.messageId ?? ""]);
    expect(names(await store.getAll())).toEqual(["B"]);
    expect(await createBrowserStore(name).getAll()).toEqual([]);
    expect(localStorage.length).toBe(0);
  });

  it("a full IndexedDB hands over to memory: never throws, and removals still reach IndexedDB", async () => {
    const name = `full-${Math.random()}`;
    const store = createBrowserStore(name);
    await store.put([event("In IndexedDB")]);
    vi.spyOn(IDBObjectStore.prototype, "put").mockImplementation(() => {
      throw quota();
    });
    await expect(store.put([event("In memory")])).resolves.toBeUndefined();
    expect(store.shared?.()).toBe(false);
    expect(names(await store.getAll())).toEqual(["In memory"]);
    vi.restoreAllMocks();

    // What was sent goes from every backend, so the next visit does not send it again.
    const stored = await createBrowserStore(name).getAll();
    expect(names(stored)).toEqual(["In IndexedDB"]);
    await store.remove(stored.map((e) => e.messageId));
    expect(await createBrowserStore(name).getAll()).toEqual([]);
  });
});
