import { describe, expect, it } from "vitest";
import { describeTraffic } from "./support/deliveries.js";
import { type BrowserEnv, goOffline, goOnline, serveWhileOffline } from "./support/env.js";
import { shopPage } from "./support/shop-page.js";
import {
  browserSuite,
  expectExactlyOnce,
  keys,
  nextVisit,
  openShopPage,
  testKey,
  trackEvents,
  waitForEvents,
} from "./support/suite.js";

// Issue 3, "offline → reload → online: queued events arrive exactly once". The browser context goes
// offline for real (navigator.onLine, online/offline events, every request fails). To reload while
// offline, the shop's pages are served through Playwright routes (see serveWhileOffline for the flag).

const suite = browserSuite(["--disable-features=LocalNetworkAccessChecks"]);
const options = (host: string) => ({ writeKey: "wk_browser", host, flushAt: 5, flushIntervalMs: 300 });

/** Serves the shop's pages with the SDK and opens its home page in a new tab. */
async function openHome(env: BrowserEnv) {
  env.shop.page("/", shopPage({ title: "home", tracker: options(env.collector.url) }));
  env.shop.page("/next", shopPage({ title: "next", tracker: options(env.collector.url) }));
  const page = await env.newPage();
  await openShopPage(page, `${env.shop.url}/`);
  return page;
}

const trackedOffline = (env: { collector: { arrivals(): { event: Record<string, unknown> }[] } }) =>
  env.collector.arrivals().filter((a) => testKey(a.event) !== undefined);

describe("offline, reload, online", () => {
  it("events queued offline survive a reload and arrive exactly once when the browser is back online", async () => {
    const env = await suite.env();
    await serveWhileOffline(env.context, env.shop);
    const page = await openHome(env);

    await goOffline(env, page);
    await trackEvents(page, { count: 12 });
    await page.waitForTimeout(1_000); // the SDK's flush timer fires a few times while offline
    await openShopPage(page, `${env.shop.url}/`); // reload, still offline
    await trackEvents(page, { from: 12, count: 3 });
    await page.waitForTimeout(1_000);
    expect(trackedOffline(env), describeTraffic(env.collector)).toEqual([]);

    await goOnline(env);
    const expected = keys("", 0, 15);
    await waitForEvents(env.collector, expected);
    await nextVisit(page, env.shop.url, env.collector);
    expectExactlyOnce(env, expected);
  });

  it("events queued offline in a tab closed while offline arrive exactly once from the next visit online", async () => {
    const env = await suite.env();
    const page = await openHome(env);

    await goOffline(env, page);
    await trackEvents(page, { count: 12 });
    await page.waitForTimeout(1_000);
    // Page exit while offline: nothing may be thrown away. (close with runBeforeUnload does not wait.)
    await Promise.all([page.waitForEvent("close"), page.close({ runBeforeUnload: true })]);
    await goOnline(env);
    expect(trackedOffline(env), describeTraffic(env.collector)).toEqual([]);

    const expected = keys("", 0, 12);
    const next = await env.newPage();
    await openShopPage(next, `${env.shop.url}/`);
    await waitForEvents(env.collector, expected);
    await nextVisit(next, env.shop.url, env.collector);
    expectExactlyOnce(env, expected);
  });

  it("events queued while the collector answers 503 (browser online) arrive exactly once after a reload", async () => {
    const env = await suite.env();
    const page = await openHome(env);

    // 503 with Retry-After for a while: the SDK must keep the events, not drop them.
    env.collector.script(...Array.from({ length: 6 }, () => ({ status: 503 as const, retryAfterSeconds: 1 })));
    await trackEvents(page, { count: 10 });
    await page.waitForTimeout(1_500);
    await openShopPage(page, `${env.shop.url}/`); // reload while the collector still refuses
    const expected = keys("", 0, 10);
    await waitForEvents(env.collector, expected, 30_000);
    await nextVisit(page, env.shop.url, env.collector);
    expectExactlyOnce(env, expected);
  });
});
