import { describe, expect, it } from "vitest";
import { describeTraffic } from "./support/deliveries.js";
import { shopPage } from "./support/shop-page.js";
import { browserSuite, openShopPage } from "./support/suite.js";
import { waitUntil } from "./support/wait.js";

// Issue 3, autocapture: "page views on load and on SPA navigation (pushState, replaceState, popstate,
// hash changes) without duplicates for same-URL pushes". Page-view autocapture is on by default.

const suite = browserSuite();

/** The page URL a page event reports (context.page.url, as @shop/event-schema's PageContext has it). */
function pageUrlOf(event: Record<string, unknown>): string | undefined {
  const context = (event.context ?? {}) as { page?: { url?: string } };
  const properties = (event.properties ?? {}) as { url?: string };
  return context.page?.url ?? properties.url;
}

const seqOf = (event: Record<string, unknown>) =>
  Number(((event.context ?? {}) as { session?: { seq?: number } }).session?.seq ?? Number.NaN);

describe("single-page app navigation", () => {
  it("history and hash navigation each give one page view; same-URL pushes give none", async () => {
    const env = await suite.env();
    const tracker = { writeKey: "wk_browser", host: env.collector.url, flushAt: 100, flushIntervalMs: 60_000 };
    env.shop.page("/spa", shopPage({ title: "spa", tracker }));
    const page = await env.newPage();
    await openShopPage(page, `${env.shop.url}/spa`);

    const step = async (action: () => void) => {
      await page.evaluate(action);
      await page.waitForTimeout(100);
    };
    await step(() => history.pushState({}, "", "/spa/a"));
    await step(() => history.pushState({}, "", "/spa/a")); // same URL: no page view
    await step(() => history.replaceState({}, "", "/spa/a")); // same URL: no page view
    await step(() => history.replaceState({}, "", "/spa/a?variant=2"));
    await step(() => history.pushState({}, "", "/spa/b"));
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          addEventListener("popstate", () => resolve(), { once: true });
          history.back();
        }),
    );
    await page.waitForTimeout(100);
    // A hash change fires both popstate and hashchange in Chromium: still one page view.
    await step(() => {
      location.hash = "reviews";
    });
    await page.evaluate(() => window.tracker?.flush());

    const base = env.shop.url;
    const expected = [
      `${base}/spa`,
      `${base}/spa/a`,
      `${base}/spa/a?variant=2`,
      `${base}/spa/b`,
      `${base}/spa/a?variant=2`,
      `${base}/spa/a?variant=2#reviews`,
    ];
    const pageViews = () => env.collector.arrivals().filter((a) => a.event.type === "page");
    await waitUntil(() => pageViews().length >= expected.length, { describe: () => describeTraffic(env.collector) });
    await page.waitForTimeout(500); // late duplicates, if any
    const urls = pageViews()
      .map((a) => a.event)
      .sort((a, b) => seqOf(a) - seqOf(b))
      .map(pageUrlOf);
    expect(urls, describeTraffic(env.collector)).toEqual(expected);
    expect(env.pageErrors).toEqual([]);
  });

  it("the ESM build autocaptures page views with the documented `plugins: [autocapture()]` (BROWSER-API.md)", async () => {
    const env = await suite.env();
    const tracker = { writeKey: "wk_browser", host: env.collector.url, flushAt: 1, flushIntervalMs: 60_000 };
    env.shop.page("/esm", shopPage({ title: "esm", tracker, build: "esm" }));
    const page = await env.newPage();
    await openShopPage(page, `${env.shop.url}/esm`);
    await page.evaluate(() => history.pushState({}, "", "/esm/a"));
    await page.evaluate(() => window.tracker?.flush());
    await page.waitForTimeout(1_000);
    const urls = env.collector
      .arrivals()
      .filter((a) => a.event.type === "page")
      .map((a) => pageUrlOf(a.event));
    expect(urls, describeTraffic(env.collector)).toEqual([`${env.shop.url}/esm`, `${env.shop.url}/esm/a`]);
  });

  it("page views carry the page context: path, title, referrer and the search the collector reads the UTM campaign from", async () => {
    const env = await suite.env();
    const tracker = { writeKey: "wk_browser", host: env.collector.url, flushAt: 1, flushIntervalMs: 60_000 };
    env.shop.page("/landing", shopPage({ title: "Landing", tracker }));
    env.elsewhere.page(
      "/",
      `<!doctype html><a id="ad" href="${env.shop.url}/landing?utm_source=news&utm_campaign=spring">ad</a>`,
    );
    const page = await env.newPage();
    await page.goto(`${env.elsewhere.url}/`);
    await page.click("#ad");
    await page.waitForFunction(() => window.tracker !== undefined);
    await waitUntil(() => env.collector.arrivals().some((a) => a.event.type === "page"), {
      describe: () => describeTraffic(env.collector),
    });
    const [view] = env.collector.arrivals().filter((a) => a.event.type === "page");
    expect(view?.event.context).toMatchObject({
      page: {
        url: `${env.shop.url}/landing?utm_source=news&utm_campaign=spring`,
        path: "/landing",
        title: "Landing",
        search: "?utm_source=news&utm_campaign=spring",
        // Chromium's default referrer policy (strict-origin-when-cross-origin) leaves only the origin.
        referrer: `${env.elsewhere.url}/`,
      },
      library: { name: "@shop/tracker" },
    });
    // The collector derives context.campaign from page.search (packages/collector test/collect.test.ts).
    expect(view?.event.context).not.toHaveProperty("campaign");
  });
});
