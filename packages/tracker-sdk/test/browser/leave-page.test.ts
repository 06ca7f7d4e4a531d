import { describe, expect, it } from "vitest";
import { describeTraffic } from "./support/deliveries.js";
import type { BrowserEnv } from "./support/env.js";
import { type Build, shopPage } from "./support/shop-page.js";
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

// Issue 3, "a page tracks events and then navigates away (link click and location.href): every event
// arrives, including those sent on unload". The batching thresholds are set so that nothing would be
// sent before the page goes away: every event here rides the unload path.

const suite = browserSuite();
const COUNT = 20;
/** Runs of each case; LEAVE_PAGE_RUNS raises it to check a fix against a race. */
const RUNS = Number(process.env.LEAVE_PAGE_RUNS ?? 1);

/** Thresholds that keep all COUNT events queued until the page is hidden. */
const holdUntilExit = (collectorUrl: string) => ({
  writeKey: "wk_browser",
  host: collectorUrl,
  flushAt: 100,
  flushIntervalMs: 60_000,
});

function registerPages(env: BrowserEnv, build: Build, target: string) {
  const tracker = holdUntilExit(env.collector.url);
  env.shop.page("/", shopPage({ title: "home", tracker, build, body: `<a id="away" href="${target}">go</a>` }));
  env.shop.page("/next", shopPage({ title: "next", tracker, build }));
  env.elsewhere.page("/", "<!doctype html><title>elsewhere</title><p>another site</p>");
}

type Way = "link click" | "location.href";
type Where = "another page of the shop" | "another site";

const matrix: { way: Way; where: Where; rttMs: number; build: Build; run: number }[] = [];
for (let run = 1; run <= RUNS; run++) {
  for (const way of ["link click", "location.href"] as const)
    for (const where of ["another page of the shop", "another site"] as const)
      for (const rttMs of [0, 100]) matrix.push({ way, where, rttMs, build: "iife", run });
  matrix.push({ way: "link click", where: "another site", rttMs: 100, build: "esm", run });
  matrix.push({ way: "location.href", where: "another page of the shop", rttMs: 100, build: "esm", run });
}

describe("leaving a page", () => {
  it.each(matrix)(
    "$way to $where ($build build, RTT $rttMs ms through the relay, run $run): all tracked events arrive exactly once",
    async ({ way, where, rttMs, build }) => {
      const env = await suite.env({ rttMs });
      const target = where === "another site" ? `${env.elsewhere.url}/` : `${env.shop.url}/next`;
      registerPages(env, build, target);
      const page = await env.newPage();
      await openShopPage(page, `${env.shop.url}/`);

      if (way === "link click") {
        await trackEvents(page, { count: COUNT });
        await page.click("#away");
      } else {
        // Track and leave in the same task: the SDK gets no timer turn in between.
        await page.evaluate(
          ({ count, target }) => {
            for (let n = 0; n < count; n++) window.tracker?.track("Browser Test", { n, tab: "" });
            location.href = target;
          },
          { count: COUNT, target },
        );
      }
      await page.waitForURL(target);
      const expected = keys("", 0, COUNT);
      await waitForEvents(env.collector, expected);

      // Come back (or go on) to a page of the shop: it must not send again what already arrived.
      await nextVisit(page, env.shop.url, env.collector);
      expectExactlyOnce(env, expected);
      if (build === "iife") {
        // The script build autocaptures by default: the first page's view, and the outbound link.
        const traffic = describeTraffic(env.collector);
        const arrivals = env.collector.arrivals().map((a) => a.event);
        const homeViews = arrivals.filter((e) => e.type === "page" && pagePath(e) === "/");
        expect(homeViews, traffic).toHaveLength(1);
        const outbound = arrivals.filter((e) => e.event === "Outbound Link Clicked");
        const expectOutbound = way === "link click" && where === "another site" ? [{ url: target }] : [];
        expect(
          outbound.map((e) => e.properties),
          traffic,
        ).toEqual(expectOutbound);
      }
    },
  );

  it("the requests sent while leaving are CORS-simple: no preflight, a text/plain body", async () => {
    const env = await suite.env();
    registerPages(env, "iife", "/next");
    const page = await env.newPage();
    await openShopPage(page, `${env.shop.url}/`);
    await trackEvents(page, { count: COUNT });
    await page.click("#away");
    await waitForEvents(env.collector, keys("", 0, COUNT));

    const traffic = describeTraffic(env.collector);
    expect(
      env.collector.requests.filter((r) => r.method === "OPTIONS"),
      traffic,
    ).toEqual([]);
    const carriers = env.collector.requests.filter((r) => r.accepted.some((event) => testKey(event) !== undefined));
    for (const request of carriers) expect(request.contentType, traffic).toMatch(/^text\/plain/);
  });

  it("every event carries messageId (UUIDv7), timestamp, sentAt stamped at send time and a session sequence", async () => {
    const env = await suite.env();
    registerPages(env, "iife", "/next");
    const page = await env.newPage();
    await openShopPage(page, `${env.shop.url}/`);
    const trackedAt = Date.now();
    await trackEvents(page, { count: 5 });
    await page.waitForTimeout(300);
    await page.click("#away");
    await waitForEvents(env.collector, keys("", 0, 5));

    const tracked = env.collector.arrivals().filter((a) => testKey(a.event) !== undefined);
    for (const { event, request } of tracked) {
      expect(event.messageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const timestamp = Date.parse(String(event.timestamp));
      expect(timestamp).toBeGreaterThanOrEqual(trackedAt - 1_000);
      const sentAt = Date.parse(String(request.sentAt ?? event.sentAt));
      // Stamped when sent (after the 300 ms pause), not when tracked.
      expect(sentAt).toBeGreaterThanOrEqual(timestamp + 250);
    }
    // The contract's context.session: one session id, and a sequence that follows the tracking order.
    const byN = [...tracked].sort((a, b) => Number(properties(a.event).n) - Number(properties(b.event).n));
    const sessions = byN.map(({ event }) => sessionOf(event));
    expect(new Set(sessions.map((s) => s.id)).size).toBe(1);
    const seqs = sessions.map((s) => s.seq);
    for (const seq of seqs) expect(seq).toEqual(expect.any(Number));
    expect(seqs).toEqual([...(seqs as number[])].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });
});

const pagePath = (event: Record<string, unknown>) => ((event.context ?? {}) as { page?: { path?: string } }).page?.path;

const properties = (event: Record<string, unknown>) => (event.properties ?? {}) as Record<string, unknown>;

/** context.session from @shop/event-schema's SessionContext: { id, seq?, start? }. */
function sessionOf(event: Record<string, unknown>): { id?: unknown; seq?: unknown } {
  const context = (event.context ?? {}) as { session?: { id?: unknown; seq?: unknown } };
  return context.session ?? {};
}
