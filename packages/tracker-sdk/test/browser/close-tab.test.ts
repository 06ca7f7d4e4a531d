import { describe, it } from "vitest";
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

// Closing the tab right after tracking: the field notes saw Segment and Amplitude deliver 0% here.

const suite = browserSuite();

describe("closing the tab", () => {
  it.each([0, 100])(
    "events tracked just before the tab closes arrive exactly once (collector RTT %i ms)",
    async (rttMs) => {
      const env = await suite.env({ collector: { responseDelayMs: rttMs } });
      const tracker = { writeKey: "wk_browser", host: env.collector.url, flushAt: 100, flushIntervalMs: 60_000 };
      env.shop.page("/", shopPage({ title: "home", tracker }));
      env.shop.page("/next", shopPage({ title: "next", tracker }));
      const page = await env.newPage();
      await openShopPage(page, `${env.shop.url}/`);

      await trackEvents(page, { count: 20 });
      await page.close({ runBeforeUnload: true });
      const expected = keys("", 0, 20);
      await waitForEvents(env.collector, expected);

      // The next visit in a new tab (same storage) must not send them again.
      await nextVisit(await env.newPage(), env.shop.url, env.collector);
      expectExactlyOnce(env, expected);
    },
  );
});
