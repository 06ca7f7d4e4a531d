import { describe, it } from "vitest";
import { goOffline, goOnline } from "./support/env.js";
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

// Issue 3, "two tabs with a shared queue: no event is sent twice". Both tabs are pages of one browser
// context on one origin, so they share localStorage, IndexedDB and Web Locks.

const suite = browserSuite();
const options = (host: string) => ({ writeKey: "wk_browser", host, flushAt: 5, flushIntervalMs: 300 });

/** The shop's home page open in two tabs of one browser context. */
async function twoTabs() {
  const env = await suite.env();
  env.shop.page("/", shopPage({ title: "home", tracker: options(env.collector.url) }));
  env.shop.page("/next", shopPage({ title: "next", tracker: options(env.collector.url) }));
  const [one, two] = [await env.newPage(), await env.newPage()];
  await openShopPage(one, `${env.shop.url}/`);
  await openShopPage(two, `${env.shop.url}/`);
  return { env, one, two };
}

describe("two tabs of the shop", () => {
  it("both tracking at once: every event of both tabs arrives exactly once", async () => {
    const { env, one, two } = await twoTabs();

    for (let round = 0; round < 4; round++) {
      await trackEvents(one, { tab: "one", from: round * 7, count: 7 });
      await trackEvents(two, { tab: "two", from: round * 7, count: 7 });
      await one.waitForTimeout(150);
    }
    const expected = [...keys("one", 0, 28), ...keys("two", 0, 28)];
    await waitForEvents(env.collector, expected);
    await two.waitForTimeout(1_500); // time for a second sender to show up
    expectExactlyOnce(env, expected);
  });

  it("a queue filled by both tabs while offline is sent once when the browser comes back online", async () => {
    const { env, one, two } = await twoTabs();

    await goOffline(env, one, two);
    await trackEvents(one, { tab: "one", count: 10 });
    await trackEvents(two, { tab: "two", count: 10 });
    await one.waitForTimeout(1_000);
    // Both tabs hear "online" at the same moment: the race a shared queue must survive.
    await goOnline(env);
    const expected = [...keys("one", 0, 10), ...keys("two", 0, 10)];
    await waitForEvents(env.collector, expected);
    await two.waitForTimeout(1_500);
    expectExactlyOnce(env, expected);
  });

  it("when the sending tab closes, the other tab delivers the rest exactly once", async () => {
    const { env, one, two } = await twoTabs();

    await trackEvents(one, { tab: "one", count: 3 });
    await trackEvents(two, { tab: "two", count: 3 });
    await one.close({ runBeforeUnload: true });
    await trackEvents(two, { tab: "two", from: 3, count: 9 });
    const expected = [...keys("one", 0, 3), ...keys("two", 0, 12)];
    await waitForEvents(env.collector, expected);
    await nextVisit(two, env.shop.url, env.collector, 1_500);
    expectExactlyOnce(env, expected);
  });
});
