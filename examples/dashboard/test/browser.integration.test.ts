import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
// The repo's one way to launch Debian's Chromium (packages/chromium: flags for a closed network).
import { launchChromium } from "@shop/chromium";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contractChecked, type LiveFixture, startLiveFixture } from "./support/live.js";
import { fraudAlert, liveMetrics } from "./support/records.js";
import { requireKafka } from "./support/stack.js";

/** A record must reach the page within this: the consumer's 0.5 s fetch wait, 0.2 s coalescing, rendering. */
const FRESHNESS_MS = 5_000;
// Into the temp dir, so a test run leaves the checkout clean. The README's picture (docs/dashboard.png) comes from
// the real pipeline instead: tests/e2e/test/dashboard-live.test.ts with DASHBOARD_SCREENSHOT=docs.
const screenshot = join(tmpdir(), `shop-dashboard-${process.pid}.png`);

describe("the page in Chromium while records flow", () => {
  let live: LiveFixture;
  let browser: Browser;
  beforeAll(async () => {
    await requireKafka();
    live = await startLiveFixture("dash-browser", {
      todayVsYesterday: async () => {
        throw new Error("no lake in this test");
      },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it("shows each published revision and alert within the freshness bound", async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(live.dashboard.url);
    await expect.poll(() => page.textContent("#status")).toContain("waiting for the first minute");

    const now = Math.floor(Date.now() / 60_000) * 60_000;
    const publish = async (minutesAgo: number, revision: number, events: number, extra = {}) => {
      const minute = new Date(now - minutesAgo * 60_000).toISOString();
      const record = liveMetrics({
        minute,
        revision,
        events,
        eventsPerSecond: events / 60,
        computedAt: new Date().toISOString(),
        ...extra,
      });
      await live.producer.send({
        topic: live.topics.metrics,
        messages: [{ key: minute, value: contractChecked("metrics", record) }],
      });
    };
    for (let i = 10; i >= 1; i -= 1) await publish(i, 1, 300 + i * 37, { activeSessions: 20 + i });
    await publish(0, 1, 600, { activeSessions: 41, botShare: 0.25, botEvents: 150, revenue: { EUR: 1234.5 } });
    await expect.poll(() => page.textContent("#events-per-second"), { timeout: FRESHNESS_MS }).toBe("10.00");
    expect(await page.textContent("#active-sessions")).toBe("41");
    expect(await page.textContent("#bot-share")).toBe("25.0%");
    expect(await page.textContent("#revenue")).toBe("1,234.50 EUR");

    // a later revision of the same minute moves the figures
    const sent = Date.now();
    await publish(0, 2, 900, { activeSessions: 57, botShare: 0.1, botEvents: 90, revenue: { EUR: 2000 } });
    await expect.poll(() => page.textContent("#events-per-second"), { timeout: FRESHNESS_MS }).toBe("15.00");
    const seenAfterMs = Date.now() - sent;
    expect(await page.textContent("#active-sessions")).toBe("57");
    expect(await page.textContent("#revision")).toBe("2");

    const alert = fraudAlert({ alertTs: new Date().toISOString(), orderId: "order-4711" });
    await live.producer.send({ topic: live.topics.alerts, messages: [{ value: contractChecked("alert", alert) }] });
    await expect.poll(() => page.textContent("#alerts"), { timeout: FRESHNESS_MS }).toContain("order-4711");
    expect(await page.textContent("#alerts")).toContain("7 payment attempts with 5 cards");

    mkdirSync(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    console.info(`revision visible on the page ${seenAfterMs} ms after publishing`);
  });
});
