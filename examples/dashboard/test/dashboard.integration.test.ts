import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DashboardView } from "../src/core/state.js";
import type { DayComparison } from "../src/history/compare.js";
import { contractChecked, type LiveFixture, readSse, startLiveFixture } from "./support/live.js";
import { fraudAlert, liveMetrics } from "./support/records.js";
import { requireKafka, until } from "./support/stack.js";

const history: DayComparison = {
  today: {
    day: "2026-11-28",
    sessions: 3,
    funnel: { productViewed: 3, addedToCart: 2, checkoutStarted: 1, ordered: 1 },
    orders: 1,
    revenue: { EUR: 10 },
  },
  yesterday: {
    day: "2026-11-27",
    sessions: 1,
    funnel: { productViewed: 1, addedToCart: 0, checkoutStarted: 0, ordered: 0 },
    orders: 0,
    revenue: {},
  },
};

describe("dashboard against the local broker", () => {
  let live: LiveFixture;
  beforeAll(async () => {
    await requireKafka();
    live = await startLiveFixture("dash-it", { todayVsYesterday: async () => history });
  });
  afterAll(async () => {
    await live?.close();
  });

  it("streams a snapshot, then the latest revision per minute and new alerts, skipping bad records", async () => {
    const controller = new AbortController();
    const sse = await readSse(`${live.dashboard.url}/events`, controller.signal);
    try {
      await until("the snapshot", () => sse.events.some((e) => e.event === "snapshot"));
      expect((sse.events[0]?.data as DashboardView | undefined)?.current).toBeNull();

      const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
      const rev = (revision: number, events: number) =>
        contractChecked(
          "metrics",
          liveMetrics({ minute, revision, events, eventsPerSecond: events / 60, computedAt: new Date().toISOString() }),
        );
      await live.producer.send({
        topic: live.topics.metrics,
        messages: [
          { key: minute, value: rev(2, 600) },
          // an older revision after a newer one (a redelivery) must not win
          { key: minute, value: rev(1, 60) },
          { key: minute, value: "not json" },
          { key: minute, value: JSON.stringify({ v: 1, minute }) },
        ],
      });
      const alert = fraudAlert({ alertTs: new Date().toISOString() });
      await live.producer.send({
        topic: live.topics.alerts,
        messages: [
          { value: contractChecked("alert", alert) },
          { value: contractChecked("alert", { ...alert, alertTs: new Date(Date.now() + 1000).toISOString() }) },
        ],
      });

      const latest = () => sse.events.filter((e) => e.event === "view").at(-1)?.data as DashboardView | undefined;
      await until("the published figures on the stream", () => {
        const view = latest();
        return (
          view?.current?.events === 600 &&
          view.alerts.length === 1 &&
          live.dashboard.malformed[live.topics.metrics] === 2
        );
      });
      const view = latest() as DashboardView;
      expect(view.current).toMatchObject({ minute, revision: 2, eventsPerSecond: 10 });
      expect(view.alerts[0]?.reasons[0]?.text).toContain("5 cards");
      expect(view.alerts[0]?.alertTs).toBe(alert.alertTs);
    } finally {
      controller.abort();
    }
  });

  it("serves the page, the vendored chart library and /history", async () => {
    const page = await fetch(`${live.dashboard.url}/`);
    expect(await page.text()).toContain('src="/vendor/uPlot.iife.min.js"');
    const lib = await fetch(`${live.dashboard.url}/vendor/uPlot.iife.min.js`);
    expect(lib.status).toBe(200);
    expect(await lib.text()).toContain("uPlot");
    expect(await (await fetch(`${live.dashboard.url}/history`)).json()).toEqual(history);
    expect((await fetch(`${live.dashboard.url}/nope`)).status).toBe(404);
  });
});
