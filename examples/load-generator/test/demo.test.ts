import { describe, expect, it } from "vitest";
import { checkpointOffsets, lagOf } from "../src/demo/lag.js";
import { acceptedEvents, LiveTally, progressBar, progressLine } from "../src/demo/progress.js";
import { buildReport, formatReport, missing } from "../src/demo/report.js";

const summary = {
  eventsByType: [
    { event_type: "track", events: 310 },
    { event_type: "page", events: "225" },
  ],
  sessions: 40,
  orders: 19,
  revenue: [{ currency: "BRL", orders: 19, grossRevenue: 4632.8, refunds: 0, netRevenue: 4632.8 }],
};
// As `shop-query run funnel_sessions --json` prints them: counts may come as text (bigints).
const funnel = [
  {
    day: "2026-12-06",
    channel: "direct",
    device: "desktop",
    sessions: "30",
    product_viewed: "25",
    added_to_cart: 12,
    checkout_started: 9,
    ordered: 8,
  },
  {
    day: "2026-12-06",
    channel: "paid",
    device: "mobile",
    sessions: 10,
    product_viewed: 7,
    added_to_cart: 3,
    checkout_started: 2,
    ordered: 1,
  },
];
const score = { alerts: 4, fraudCases: 3, detected: 3, falseAlarms: 1, precision: 0.75, recall: 1, latency: null };

describe("the demo's report", () => {
  it("sums the funnel over its rows and takes sessions, orders, revenue and the fraud score as they came", () => {
    const { report, problems } = buildReport({ summary, funnel, score });
    expect(problems).toEqual([]);
    expect(report).toEqual({
      events: 535,
      sessions: 40,
      orders: 19,
      revenue: [{ currency: "BRL", orders: 19, net: 4632.8 }],
      funnel: { sessions: 40, productViewed: 32, addedToCart: 15, checkoutStarted: 11, ordered: 9 },
      fraud: { alerts: 4, fraudCases: 3, detected: 3, falseAlarms: 1, precision: 0.75, recall: 1 },
    });
    const text = formatReport(report);
    expect(text).toContain("Sessions:           40");
    expect(text).toContain("viewed a product  32 (80.0%)");
    expect(text).toContain("precision 75.0%  recall 100.0%");
  });

  it("is incomplete without sessions, a funnel or alerts", () => {
    const { problems } = buildReport({
      summary: { ...summary, sessions: 0 },
      funnel: [],
      score: { ...score, alerts: 0, detected: 0 },
    });
    expect(problems).toEqual([
      "no sessions in the lake",
      "the funnel (funnel_sessions) counts no session",
      "the funnel has no session that viewed a product",
      "no fraud alert about the run's cases",
    ]);
  });

  it("is incomplete without a fraud score, or when precision or recall is missing (null in JSON when undefined)", () => {
    expect(buildReport({ summary, funnel, score: undefined }).problems).toEqual([
      "no fraud score (alerts against the labels)",
    ]);
    expect(buildReport({ summary, funnel, score: { ...score, precision: null, recall: "x" } }).problems).toEqual([
      "no precision in the fraud score",
      "no recall in the fraud score",
    ]);
  });

  it("has no precision without alerts and no recall without injected frauds (the scorer writes 0 for both)", () => {
    const { report, problems } = buildReport({
      summary,
      funnel,
      score: { alerts: 0, fraudCases: 0, detected: 0, falseAlarms: 0, precision: 0, recall: 0 },
    });
    expect(report.fraud).toMatchObject({ precision: null, recall: null });
    expect(problems).toEqual([
      "no fraud alert about the run's cases",
      "no precision in the fraud score",
      "no recall in the fraud score",
    ]);
    expect(formatReport(report)).toContain("precision n/a  recall n/a");
  });

  it("names malformed input instead of throwing", () => {
    const { report, problems } = buildReport({ summary: "oops", funnel: { rows: [] }, score });
    expect(problems).toContain("summary: not a JSON object");
    expect(problems).toContain("funnel_sessions: not a JSON array of rows");
    expect(problems).toContain("summary: sessions is not a number (absent)");
    expect(problems).toContain("no events in the lake");
    expect(report.events).toBe(0);
    expect(buildReport({ summary, funnel: [{ ...funnel[1], ordered: "many" }], score }).problems).toEqual([
      'funnel_sessions: ordered is not a number ("many")',
    ]);
  });

  it("passes a complete report and fails each missing piece alone", () => {
    const complete = buildReport({ summary, funnel, score }).report;
    expect(missing(complete)).toEqual([]);
    expect(missing({ ...complete, events: 0 })).toEqual(["no events in the lake"]);
    expect(missing({ ...complete, fraud: null })).toEqual(["no fraud score (alerts against the labels)"]);
  });
});

describe("the demo's progress", () => {
  it("sums the collector's accepted-events counter over its sources, ignoring other metrics", () => {
    const text = [
      "# HELP collector_events_accepted_total Events acknowledged by Kafka",
      "# TYPE collector_events_accepted_total counter",
      'collector_events_accepted_total{source_id="demo-web-shop"} 1200',
      'collector_events_accepted_total{source_id="demo-shop-backend"} 34',
      'collector_events_accepted_total_created{source_id="x"} 99',
      'collector_events_rejected_total{reason="pan_detected",source_id="demo-web-shop"} 5',
    ].join("\n");
    expect(acceptedEvents(text)).toBe(1234);
    expect(acceptedEvents("collector_http_requests_total 3")).toBeUndefined();
  });

  it("keeps the newest revision of each minute and each alert id once", () => {
    const tally = new LiveTally();
    tally.addMinute("2026-12-06T10:00:00Z", 1, 2);
    tally.addMinute("2026-12-06T10:00:00Z", 3, 5);
    tally.addMinute("2026-12-06T10:00:00Z", 2, 4); // an older revision, delivered late
    tally.addMinute("2026-12-06T10:01:00Z", 3, 1);
    tally.addAlert("a");
    tally.addAlert("b");
    tally.addAlert("a");
    expect(tally.orders).toBe(6);
    expect(tally.alerts).toBe(2);
  });

  it("draws a bar of the elapsed share and a plain line with the same figures", () => {
    const p = { elapsedSeconds: 30.7, totalSeconds: 120, events: 1500, orders: 12, alerts: 2 };
    expect(progressBar(p, 8)).toBe("[##------] 30/120 s  events acked 1500  orders 12  alerts 2");
    expect(progressLine(p)).toBe("30/120 s: events acked 1500  orders 12  alerts 2");
    expect(progressBar({ ...p, elapsedSeconds: 120 }, 4)).toBe(
      "[####] 120/120 s  events acked 1500  orders 12  alerts 2",
    );
    // Past the time: the bar stays full and says visits are still sending.
    expect(progressLine({ ...p, elapsedSeconds: 500 })).toBe(
      "120/120 s: events acked 1500  orders 12  alerts 2  (visits under way)",
    );
  });
});

describe("the demo's lag", () => {
  const ends = new Map([
    [0, 348],
    [1, 270],
  ]);

  it("counts what is between the reader's offsets and the ends; an unread partition lags by all of it", () => {
    expect(lagOf(ends, new Map([[0, 348]]))).toBe(270);
    expect(
      lagOf(
        ends,
        new Map([
          [0, 300],
          [1, -1],
        ]),
      ),
    ).toBe(48 + 270);
    expect(
      lagOf(
        ends,
        new Map([
          [0, 348],
          [1, 270],
        ]),
      ),
    ).toBe(0);
  });

  it("reads a Spark checkpoint's offsets file, the least over the sources that read the topic", () => {
    const file = [
      "v1",
      '{"batchWatermarkMs":0,"batchTimestampMs":1,"conf":{}}',
      '{"events.raw":{"0":348,"1":270}}',
      '{"events.raw":{"0":300,"1":270}}',
      '{"alerts.fraud":{"0":5}}',
    ].join("\n");
    expect(checkpointOffsets(file, "events.raw")).toEqual(
      new Map([
        [0, 300],
        [1, 270],
      ]),
    );
    expect(checkpointOffsets(file, "metrics.live")).toBeUndefined();
    expect(checkpointOffsets("not a checkpoint", "events.raw")).toBeUndefined();
  });
});
