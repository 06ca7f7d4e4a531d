// @vitest-environment happy-dom
import "fake-indexeddb/auto";
import type { WireEvent } from "@shop/event-schema";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BatchPayload } from "../../src/core/platform.js";
import * as script from "../../src/iife.js";
import { createTracker, privacySignal } from "../../src/platform/browser/index.js";

const originals = { pushState: history.pushState, replaceState: history.replaceState };
let beacons: BatchPayload[];
let posts: BatchPayload[];

function hide() {
  Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
  window.dispatchEvent(new Event("pagehide"));
}
const names = (events: WireEvent[]) => events.map((e) => (e.type === "track" ? e.event : e.type));
const host = "https://collect.example";
let writeKey: string;

beforeEach(() => {
  writeKey = `wk-${Math.random().toString(36).slice(2)}`;
  beacons = [];
  posts = [];
  Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
  vi.spyOn(navigator, "sendBeacon").mockImplementation((_url, body) => {
    beacons.push(JSON.parse(String(body)));
    return true;
  });
  vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
    posts.push(JSON.parse(String(init.body)));
    return new Response(null, { status: 200 });
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  localStorage.clear();
  history.pushState = originals.pushState;
  history.replaceState = originals.replaceState;
});

describe("browser createTracker", () => {
  it("beacons what is queued when the page goes away, with the page context", async () => {
    const tracker = createTracker({ host, writeKey });
    tracker.page("Home");
    tracker.track("Product Viewed", { product_id: "p-1" });
    await vi.waitFor(() => expect(tracker.stats().queued).toBe(2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    hide();
    const sent = beacons.flatMap((b) => b.batch);
    expect(names(sent)).toEqual(["page", "Product Viewed"]);
    expect(beacons[0]?.writeKey).toBe(writeKey);
    expect(sent[0]?.context).toMatchObject({ page: { url: location.href }, library: { name: "@shop/tracker" } });
    expect(tracker.stats()).toEqual({ queued: 0, sent: 2, dropped: 0, rejected: 0 });
    expect(posts).toEqual([]);
  });

  it("keeps events tracked offline in IndexedDB and sends them once, on the next page, when online", async () => {
    vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    const first = createTracker({ host, writeKey, flushIntervalMs: 100 });
    first.track("Offline 1");
    first.track("Offline 2");
    await new Promise((resolve) => setTimeout(resolve, 300));
    hide();
    expect(beacons).toEqual([]);
    expect(posts).toEqual([]);
    await first.close();

    // Reload, back online.
    vi.spyOn(navigator, "onLine", "get").mockReturnValue(true);
    Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
    const second = createTracker({ host, writeKey, flushIntervalMs: 100 });
    window.dispatchEvent(new Event("online"));
    await vi.waitFor(() => expect(posts.flatMap((p) => p.batch)).toHaveLength(2), { timeout: 3000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(names(posts.flatMap((p) => p.batch))).toEqual(["Offline 1", "Offline 2"]);
    await second.close();
  });

  it("persists ids and consent in localStorage; nothing at all while consent is pending", async () => {
    const pending = createTracker({ host, writeKey, consent: "pending" });
    pending.track("Held");
    await new Promise((resolve) => setTimeout(resolve, 50));
    hide();
    // (Trackers of earlier tests still listen to this document; only their leader keys may appear.)
    expect(Object.keys(localStorage).filter((key) => key.includes(writeKey) || !key.endsWith(".leader"))).toEqual([]);
    expect(beacons).toEqual([]);
    pending.setConsent("granted");
    expect(localStorage.getItem("shop_tracker.consent")).toBe("granted");
    expect(JSON.parse(localStorage.getItem("shop_tracker.ids") ?? "{}").a).toBe(pending.anonymousId());
  });

  it("honours Global Privacy Control by default (denied), unless honorGlobalPrivacyControl: false", () => {
    Object.defineProperty(navigator, "globalPrivacyControl", { value: true, configurable: true });
    try {
      expect(createTracker({ host, writeKey }).consent()).toBe("denied");
      expect(createTracker({ host, writeKey, honorGlobalPrivacyControl: false }).consent()).toBe("granted");
      // An explicit grant is the visitor's own choice and outranks the signal.
      localStorage.setItem("shop_tracker.consent", "granted");
      expect(createTracker({ host, writeKey }).consent()).toBe("granted");
    } finally {
      Reflect.deleteProperty(navigator, "globalPrivacyControl");
    }
  });

  it("ignores Do-Not-Track unless the app starts from privacySignal(), as the README shows", () => {
    Object.defineProperty(navigator, "doNotTrack", { value: "1", configurable: true });
    try {
      expect(createTracker({ host, writeKey }).consent()).toBe("granted");
      expect(createTracker({ host, writeKey, consent: privacySignal() ? "denied" : "granted" }).consent()).toBe(
        "denied",
      );
    } finally {
      Reflect.deleteProperty(navigator, "doNotTrack");
    }
  });

  it("the <script> build captures page views by default, and not with autocapture: false", async () => {
    const withDefaults = script.createTracker({ host, writeKey });
    history.pushState({}, "", "/spa-route");
    await withDefaults.flush();
    expect(posts.flatMap((p) => p.batch).filter((e) => e.type === "page")).toHaveLength(2);

    posts = [];
    const quiet = script.createTracker({ host, writeKey: `${writeKey}-2`, autocapture: false });
    quiet.track("Only this");
    await quiet.flush();
    expect(names(posts.flatMap((p) => p.batch))).toEqual(["Only this"]);
    expect(typeof script.productViewed).toBe("function");
    expect(typeof script.gzip).toBe("function");
  });

  it("the <script> build takes debug: true (console) and cookieDomain, and has decorate", () => {
    const spy = vi.spyOn(console, "log").mockImplementation(() => {});
    const quiet = script.createTracker({ host, writeKey, autocapture: false });
    quiet.track("Not logged");
    expect(spy).not.toHaveBeenCalled();
    const loud = script.createTracker({ host, writeKey: `${writeKey}-2`, autocapture: false, debug: true });
    loud.track("Logged");
    expect(spy).toHaveBeenCalledWith("[shop/tracker] event", expect.objectContaining({ event: "Logged" }));
    expect(new URL(script.decorate(loud, "https://other.example/")).searchParams.get("ajs_aid")).toBe(
      loud.anonymousId(),
    );
  });
});
