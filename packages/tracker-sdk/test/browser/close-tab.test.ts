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
// Issue 14 asks for 100% in 20 consecutive runs at 0 and 100 ms round trip, with no duplicates. The
// round trip is a real one (the latency relay delays the request on its way too, not only the answer),
// so a request the page starts just before it closes races the close as it would in the field.

const suite = browserSuite();
/** Consecutive runs per case; CLOSE_TAB_RUNS lowers it for a quick look, the figure is 20. */
const RUNS = Number(process.env.CLOSE_TAB_RUNS ?? 20);

const cases: { rttMs: number; thresholds: "held" | "defaults"; run: number }[] = [];
for (const rttMs of [0, 100])
  for (const thresholds of ["held", "defaults"] as const)
    for (let run = 1; run <= RUNS; run++) cases.push({ rttMs, thresholds, run });

describe("closing the tab", () => {
  it.each(cases)(
    "events tracked just before the tab closes arrive exactly once (RTT $rttMs ms, $thresholds thresholds, run $run)",
    async ({ rttMs, thresholds }) => {
      const env = await suite.env({ rttMs });
      // "held": nothing goes before the page is hidden, every event rides the exit path. "defaults":
      // the 20th event starts a regular send, which is still on its way (or reading the queue) when
      // the tab closes.
      const tracker =
        thresholds === "held"
          ? { writeKey: "wk_browser", host: env.collector.url, flushAt: 100, flushIntervalMs: 60_000 }
          : { writeKey: "wk_browser", host: env.collector.url };
      env.shop.page("/", shopPage({ title: "home", tracker }));
      env.shop.page("/next", shopPage({ title: "next", tracker }));
      const page = await env.newPage();
      await openShopPage(page, `${env.shop.url}/`);

      await trackEvents(page, { count: 25 });
      await page.close({ runBeforeUnload: true });
      const expected = keys("", 0, 25);
      await waitForEvents(env.collector, expected, 5_000);

      // The next visit in a new tab (same storage) must not send them again.
      await nextVisit(await env.newPage(), env.shop.url, env.collector);
      expectExactlyOnce(env, expected);
    },
  );
});
