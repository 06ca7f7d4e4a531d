// @vitest-environment happy-dom
// biome-ignore-all lint/suspicious/noDocumentCookie: the SDK's cookie is document.cookie; the test plays the other subdomain with it.
import "fake-indexeddb/auto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTracker as createCoreTracker } from "../../src/core/tracker.js";
import { decorate, identity } from "../../src/platform/browser/identity.js";
import { createBrowserKeyValueStore } from "../../src/platform/browser/kv.js";
import { createMemoryStore, createTestingTransport } from "../../src/testing.js";

const happyDOM = (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM;
const options = { writeKey: "wk", host: "https://collect.example", flushAt: 100, flushIntervalMs: 300_000 };

/** A tracker as the browser builds it, on the real localStorage and document.cookie of this page. */
function tracker(overrides: Record<string, unknown> = {}, plugin = identity({ cookieDomain: ".shop.example" })) {
  const transport = createTestingTransport();
  const created = createCoreTracker(
    { ...options, plugins: [plugin], ...overrides },
    { transport, store: createMemoryStore(), kv: createBrowserKeyValueStore() },
  );
  return { tracker: created, transport };
}

/** The value of cookie `name`, undefined when absent or emptied. */
const cookie = (name: string) =>
  document.cookie
    .split("; ")
    .map((pair) => pair.split("="))
    .find(([key, value]) => key === name && value)?.[1];

/** What the page wrote to document.cookie (the attributes cannot be read back). */
let written: string[];
function cookieProperty(): PropertyDescriptor | undefined {
  for (let proto = Object.getPrototypeOf(document); proto; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, "cookie");
    if (descriptor) return descriptor;
  }
  return undefined;
}
const cookieSetter = cookieProperty();

beforeEach(() => {
  happyDOM.setURL("https://www.shop.example/");
  written = [];
  Object.defineProperty(document, "cookie", {
    configurable: true,
    get: () => cookieSetter?.get?.call(document),
    set: (value: string) => {
      written.push(value);
      cookieSetter?.set?.call(document, value);
    },
  });
});
afterEach(() => {
  Reflect.deleteProperty(document, "cookie");
  document.cookie = "shop_tracker.aid=; Domain=.shop.example; Path=/; Max-Age=0";
  localStorage.clear();
  vi.restoreAllMocks();
});

describe("identity(): the anonymous id in a cookie shared by subdomains", () => {
  it("writes the cookie on the configured domain: Lax, Secure on https, a year, renewed at each write", () => {
    const { tracker: t } = tracker();
    expect(cookie("shop_tracker.aid")).toBe(t.anonymousId());
    expect(written.at(-1)).toBe(
      `shop_tracker.aid=${t.anonymousId()}; Domain=.shop.example; Path=/; Max-Age=31536000; SameSite=Lax; Secure`,
    );
    happyDOM.setURL("http://www.shop.example/");
    tracker({ cookieMaxAgeDays: 30 }, identity({ cookieDomain: ".shop.example", cookieMaxAgeDays: 30 }));
    expect(written.at(-1)).toMatch(/Max-Age=2592000; SameSite=Lax$/);
  });

  it("reads the cookie before localStorage: another subdomain's visitor is this one", async () => {
    // checkout.shop.example has its own localStorage with an older id; www set the shared cookie.
    localStorage.setItem("shop_tracker.ids", JSON.stringify({ a: "checkout-local", u: "user-1" }));
    document.cookie = "shop_tracker.aid=from-www; Domain=.shop.example; Path=/";
    const { tracker: t, transport } = tracker();
    t.track("Checkout Started");
    await t.flush();
    expect(transport.events()[0]).toMatchObject({ anonymousId: "from-www", userId: "user-1" });
    expect(JSON.parse(localStorage.getItem("shop_tracker.ids") ?? "{}").a).toBe("from-www");
  });

  it("without cookieDomain no cookie is read or written", () => {
    document.cookie = "shop_tracker.aid=from-www; Domain=.shop.example; Path=/";
    written = [];
    const { tracker: t } = tracker({}, identity());
    expect(t.anonymousId()).not.toBe("from-www");
    expect(written).toEqual([]);
  });

  it("follows consent: nothing while pending, written on grant, erased on denial", () => {
    const { tracker: t } = tracker({ consent: "pending" });
    expect(cookie("shop_tracker.aid")).toBeUndefined();
    t.setConsent("granted");
    expect(cookie("shop_tracker.aid")).toBe(t.anonymousId());
    t.setConsent("denied");
    expect(cookie("shop_tracker.aid")).toBeUndefined();
    expect(written.at(-1)).toMatch(/^shop_tracker\.aid=; Domain=\.shop\.example; Path=\/; Max-Age=0;/);
  });

  it("reset() replaces the cookie's id with the new one", () => {
    const { tracker: t } = tracker();
    const before = t.anonymousId();
    t.reset();
    expect(cookie("shop_tracker.aid")).toBe(t.anonymousId());
    expect(t.anonymousId()).not.toBe(before);
  });

  it("setAnonymousId() updates the cookie", () => {
    const { tracker: t } = tracker();
    t.setAnonymousId("server-id");
    expect(cookie("shop_tracker.aid")).toBe("server-id");
  });
});

describe("cross-domain links", () => {
  it("decorate(url) adds the anonymous id, keeping the URL's query and hash", () => {
    const { tracker: t } = tracker({}, identity());
    const link = new URL(decorate(t, "https://other-shop.example/checkout?step=1#pay"));
    expect(link.searchParams.get("ajs_aid")).toBe(t.anonymousId());
    expect(link.searchParams.get("step")).toBe("1");
    expect(link.hash).toBe("#pay");
    expect(new URL(decorate(t, "/relative")).origin).toBe("https://www.shop.example");
  });

  it("the other site takes the id once at start and removes it from the URL", async () => {
    happyDOM.setURL("https://other-shop.example/checkout?step=1&ajs_aid=visitor-9#pay");
    history.replaceState({ app: "state" }, "", location.href);
    const { tracker: t, transport } = tracker({}, identity());
    expect(location.href).toBe("https://other-shop.example/checkout?step=1#pay");
    expect(history.state).toEqual({ app: "state" });
    t.page();
    await t.flush();
    expect(transport.events()[0]?.anonymousId).toBe("visitor-9");
    expect(JSON.parse(localStorage.getItem("shop_tracker.ids") ?? "{}").a).toBe("visitor-9");
    // The next page (no parameter) keeps the id from storage.
    expect(tracker({}, identity()).tracker.anonymousId()).toBe("visitor-9");
  });

  it("a link's id wins over the cookie; links: false ignores links", () => {
    document.cookie = "shop_tracker.aid=from-cookie; Domain=.shop.example; Path=/";
    happyDOM.setURL("https://www.shop.example/?ajs_aid=from-link");
    expect(tracker().tracker.anonymousId()).toBe("from-link");
    expect(cookie("shop_tracker.aid")).toBe("from-link");

    happyDOM.setURL("https://www.shop.example/?ajs_aid=ignored");
    expect(tracker({}, identity({ cookieDomain: ".shop.example", links: false })).tracker.anonymousId()).toBe(
      "from-link",
    );
    expect(location.search).toBe("?ajs_aid=ignored");
  });
});
