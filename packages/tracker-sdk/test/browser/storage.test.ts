import { describe, expect, it } from "vitest";
import { shopPage } from "./support/shop-page.js";
import {
  browserSuite,
  expectExactlyOnce,
  keys,
  nextVisit,
  openShopPage,
  trackEvents,
  waitForEvents,
} from "./support/suite.js";

// Issue 3, "storage full: the page keeps working and events still arrive". Each case breaks storage
// before any page script runs (an init script), then checks that the page's own code still runs,
// nothing throws into the page, and events are delivered, both by the running page and on leaving.

const suite = browserSuite();

/** localStorage really full: filled to the origin's quota before the page's scripts run. */
function fillLocalStorage() {
  // Init scripts also run in about:blank, where touching localStorage throws.
  if (location.protocol !== "http:" || localStorage.getItem("filler:done")) return;
  const chunk = "x".repeat(256 * 1024);
  try {
    for (let i = 0; ; i++) localStorage.setItem(`filler:${i}`, chunk);
  } catch {
    // full; now fill the remainder in smaller pieces
  }
  try {
    for (let i = 0; ; i++) localStorage.setItem(`filler:small:${i}`, "x".repeat(1024));
  } catch {
    // full to the last kilobyte
  }
  try {
    localStorage.setItem("filler:done", "1");
  } catch {
    // the marker itself may not fit: then the next page fills again, which is harmless
  }
}

/**
 * IndexedDB out of quota: every write aborts its transaction, as a real QuotaExceededError does
 * (filling a real IndexedDB quota here would take gigabytes).
 */
function abortIndexedDbWrites() {
  for (const method of ["put", "add"] as const) {
    const original = IDBObjectStore.prototype[method];
    IDBObjectStore.prototype[method] = function (this: IDBObjectStore, ...args: Parameters<typeof original>) {
      const request = original.apply(this, args);
      this.transaction.abort();
      return request;
    };
  }
}

/** Storage that throws on every use, as in some private modes and with cookies blocked. */
function throwOnStorageAccess() {
  const denied = () => new DOMException("Access is denied for this document.", "SecurityError");
  Object.defineProperty(window, "localStorage", {
    configurable: true,
    get() {
      throw denied();
    },
  });
  Object.defineProperty(window, "sessionStorage", {
    configurable: true,
    get() {
      throw denied();
    },
  });
  IDBFactory.prototype.open = () => {
    throw denied();
  };
}

/** No IndexedDB at all, and a localStorage whose every write fails with a quota error. */
function noIndexedDbAndQuotaErrors() {
  Object.defineProperty(window, "indexedDB", { configurable: true, value: undefined });
  Storage.prototype.setItem = () => {
    throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
  };
}

const cases = [
  {
    name: "localStorage full (for real) and IndexedDB writes aborted",
    scripts: [fillLocalStorage, abortIndexedDbWrites],
  },
  { name: "localStorage, sessionStorage and indexedDB.open throwing SecurityError", scripts: [throwOnStorageAccess] },
  { name: "no IndexedDB and localStorage.setItem throwing QuotaExceededError", scripts: [noIndexedDbAndQuotaErrors] },
];

describe("broken storage", () => {
  it.each(cases)("$name: the page keeps working and events arrive", async ({ scripts }) => {
    const env = await suite.env();
    for (const script of scripts) await env.context.addInitScript(script);
    const tracker = { writeKey: "wk_browser", host: env.collector.url, flushAt: 5, flushIntervalMs: 300 };
    env.shop.page("/", shopPage({ title: "home", tracker, body: `<a id="away" href="/next">next</a>` }));
    env.shop.page("/next", shopPage({ title: "next", tracker }));
    const page = await env.newPage();
    await openShopPage(page, `${env.shop.url}/`);

    // The page's own script after the SDK ran, and its handlers still work.
    await page.click("#app-button");
    expect(await page.evaluate(() => ({ alive: window.appAlive, clicks: window.appClicks }))).toEqual({
      alive: true,
      clicks: 1,
    });

    // Sent by the running page...
    await trackEvents(page, { count: 10 });
    await waitForEvents(env.collector, keys("", 0, 10));
    // ...and on leaving, with nothing persisted to fall back on.
    await page.evaluate(() => {
      for (let n = 10; n < 13; n++) window.tracker?.track("Browser Test", { n, tab: "" });
    });
    await page.click("#away");
    const expected = keys("", 0, 13);
    await waitForEvents(env.collector, expected);
    await nextVisit(page, env.shop.url, env.collector);
    expectExactlyOnce(env, expected);
  });
});
