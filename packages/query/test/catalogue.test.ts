import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findQuestion, loadCatalogue, runQuestion } from "../src/catalogue/catalogue.js";
import { ParamError } from "../src/errors.js";
import { type CatalogueFixture, openCatalogueFixture } from "./support/catalogue-fixture.js";

// Every question of the catalogue, run on the local engine over the fixture (test/support/catalogue-fixture.ts:
// events through the real sink, with duplicates, a refund, late events and dead letters). The figures
// follow from the fixture's story; where one is not obvious, the comment says why.

let fixture: CatalogueFixture;
const all = { from: "2026-11-01", to: "2026-12-31" };
const run = (name: string, params: Record<string, string> = {}) =>
  runQuestion(fixture.engine, findQuestion(name), params, { now: new Date("2026-12-01T12:00:00Z") });

beforeAll(async () => {
  fixture = await openCatalogueFixture();
}, 60_000);

afterAll(async () => {
  await fixture?.engine.close();
  if (fixture) rmSync(fixture.dir, { recursive: true, force: true });
});

it("the catalogue has the documented questions", () => {
  expect(loadCatalogue().map((q) => q.name)).toEqual([
    "cart_abandonment",
    "dq_dead_letters",
    "dq_duplicate_ids",
    "dq_late_share",
    "dq_null_rates",
    "dq_rows_per_hour",
    "fraud_alerts_latest",
    "fraud_rate_by_rule",
    "funnel_sessions",
    "funnel_users",
    "landing_pages",
    "live_last_hour",
    "new_vs_returning",
    "retention_weekly",
    "revenue_by_campaign",
    "time_to_purchase",
    "top_products",
  ]);
});

it("the sink wrote the fixture's events in its own layout, dead letters beside them", () => {
  expect(fixture.sinkKeys.filter((k) => k.startsWith("dead-letter/")).length).toBe(3);
  // L2 (event time 11-14, received 11-23 12:30) is past the 7-day bound: stored in the receive hour.
  expect(fixture.sinkKeys.some((k) => k.startsWith("events/dt=2026-11-14/"))).toBe(false);
  expect(fixture.sinkKeys.filter((k) => k.startsWith("events/dt=2026-11-23/hour=12/")).length).toBe(1);
});

describe("funnels", () => {
  const sessionsFunnel = [
    {
      day: "2026-11-23",
      channel: "direct",
      device: "desktop",
      sessions: 1,
      product_viewed: 0,
      added_to_cart: 0,
      checkout_started: 0,
      ordered: 0,
      conversion_rate: 0,
    },
    // S1 viewed two products and S8 one: two sessions, not three views.
    {
      day: "2026-11-23",
      channel: "email",
      device: "desktop",
      sessions: 2,
      product_viewed: 2,
      added_to_cart: 1,
      checkout_started: 1,
      ordered: 1,
      conversion_rate: 0.5,
    },
    {
      day: "2026-11-23",
      channel: "organic_search",
      device: "mobile",
      sessions: 1,
      product_viewed: 1,
      added_to_cart: 1,
      checkout_started: 0,
      ordered: 0,
      conversion_rate: 0,
    },
    {
      day: "2026-11-24",
      channel: "direct",
      device: "mobile",
      sessions: 1,
      product_viewed: 1,
      added_to_cart: 1,
      checkout_started: 1,
      ordered: 1,
      conversion_rate: 1,
    },
    {
      day: "2026-11-24",
      channel: "email",
      device: "mobile",
      sessions: 1,
      product_viewed: 1,
      added_to_cart: 1,
      checkout_started: 1,
      ordered: 0,
      conversion_rate: 0,
    },
    {
      day: "2026-11-30",
      channel: "organic_social",
      device: "tablet",
      sessions: 1,
      product_viewed: 0,
      added_to_cart: 0,
      checkout_started: 0,
      ordered: 0,
      conversion_rate: 0,
    },
    {
      day: "2026-11-30",
      channel: "paid_search",
      device: "desktop",
      sessions: 1,
      product_viewed: 1,
      added_to_cart: 1,
      checkout_started: 1,
      ordered: 1,
      conversion_rate: 1,
    },
  ];

  it("funnel_sessions counts sessions per day, channel and device", async () => {
    expect(await run("funnel_sessions", all)).toEqual(sessionsFunnel);
  });

  it("funnel_sessions filters by device and channel", async () => {
    expect(await run("funnel_sessions", { ...all, device: "mobile" })).toEqual(
      sessionsFunnel.filter((r) => r.device === "mobile"),
    );
    expect(await run("funnel_sessions", { ...all, channel: "email", device: "mobile" })).toEqual(
      sessionsFunnel.filter((r) => r.device === "mobile" && r.channel === "email"),
    );
    expect(await run("funnel_sessions", { from: "2026-11-24", to: "2026-11-24" })).toEqual(
      sessionsFunnel.filter((r) => r.day === "2026-11-24"),
    );
  });

  it("funnel_users counts people: S1 and S8 are one person (u1) on 11-23", async () => {
    const rows = await run("funnel_users", all);
    expect(rows.find((r) => r.day === "2026-11-23" && r.channel === "email")).toEqual({
      day: "2026-11-23",
      channel: "email",
      device: "desktop",
      people: 1,
      product_viewed: 1,
      added_to_cart: 1,
      checkout_started: 1,
      ordered: 1,
      conversion_rate: 1,
    });
    const { sessions: _, ...rest } = sessionsFunnel[0] as Record<string, unknown>;
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual({ ...rest, people: 1 });
  });

  it("funnel_users stitches devices: u1's two devices on one day count once", async () => {
    // On 11-24 u1 used anon-b (mobile, email) and anon-c is another person: filter to email to see u1 alone.
    expect(await run("funnel_users", { ...all, channel: "email" })).toEqual([
      expect.objectContaining({ day: "2026-11-23", people: 1 }),
      expect.objectContaining({ day: "2026-11-24", people: 1, ordered: 0 }),
    ]);
  });

  it("cart_abandonment counts carts and checkouts left without an order", async () => {
    expect(await run("cart_abandonment", all)).toEqual([
      {
        day: "2026-11-23",
        cart_sessions: 2,
        abandoned_carts: 1,
        cart_abandonment_rate: 0.5,
        checkout_sessions: 1,
        abandoned_checkouts: 0,
        checkout_abandonment_rate: 0,
      },
      {
        day: "2026-11-24",
        cart_sessions: 2,
        abandoned_carts: 1,
        cart_abandonment_rate: 0.5,
        checkout_sessions: 2,
        abandoned_checkouts: 1,
        checkout_abandonment_rate: 0.5,
      },
      {
        day: "2026-11-30",
        cart_sessions: 1,
        abandoned_carts: 0,
        cart_abandonment_rate: 0,
        checkout_sessions: 1,
        abandoned_checkouts: 0,
        checkout_abandonment_rate: 0,
      },
    ]);
  });
});

describe("products, revenue and visitors", () => {
  it("top_products: views (the redelivered view once, the late view counted), orders and units", async () => {
    expect(await run("top_products", all)).toEqual([
      { product_id: "sku-1", views: 3, orders: 2, units: 3, orders_per_view: 0.6667 },
      { product_id: "sku-2", views: 3, orders: 1, units: 1, orders_per_view: 0.3333 },
      { product_id: "sku-3", views: 2, orders: 1, units: 1, orders_per_view: 0.5 },
    ]);
    expect(await run("top_products", { ...all, limit: "1" })).toEqual([
      expect.objectContaining({ product_id: "sku-1" }),
    ]);
  });

  it("revenue_by_campaign attributes orders to their session, the refund to its order, the retried order once", async () => {
    expect(await run("revenue_by_campaign", all)).toEqual([
      {
        campaign: "black-friday",
        channel: "email",
        currency: "EUR",
        orders: 1,
        gross_revenue: 100,
        refunds: 0,
        net_revenue: 100,
      },
      {
        campaign: "cyber-monday",
        channel: "paid_search",
        currency: "USD",
        orders: 1,
        gross_revenue: 80,
        refunds: -20,
        net_revenue: 60,
      },
      // O2 was sent without a currency.
      {
        campaign: "(none)",
        channel: "direct",
        currency: null,
        orders: 1,
        gross_revenue: 50,
        refunds: 0,
        net_revenue: 50,
      },
    ]);
    expect(await run("revenue_by_campaign", { ...all, currency: "eur" })).toEqual([
      expect.objectContaining({ campaign: "black-friday", currency: "EUR", net_revenue: 100 }),
    ]);
  });

  it("new_vs_returning splits sessions by is_new_visitor", async () => {
    expect(await run("new_vs_returning", all)).toEqual([
      { day: "2026-11-23", visitor: "new", sessions: 3, orders: 1, revenue: 100, conversion_rate: 0.3333 },
      { day: "2026-11-23", visitor: "returning", sessions: 1, orders: 0, revenue: 0, conversion_rate: 0 },
      { day: "2026-11-24", visitor: "returning", sessions: 2, orders: 1, revenue: 50, conversion_rate: 0.5 },
      { day: "2026-11-30", visitor: "new", sessions: 1, orders: 0, revenue: 0, conversion_rate: 0 },
      { day: "2026-11-30", visitor: "returning", sessions: 1, orders: 1, revenue: 80, conversion_rate: 1 },
    ]);
  });

  it("landing_pages: sessions, bounces and mean duration per first page", async () => {
    expect(await run("landing_pages", all)).toEqual([
      { landing_page: "/", sessions: 4, bounces: 1, bounce_rate: 0.25, avg_duration_seconds: 375 },
      { landing_page: "/p/sku-2", sessions: 2, bounces: 0, bounce_rate: 0, avg_duration_seconds: 270 },
      { landing_page: "/blog", sessions: 1, bounces: 1, bounce_rate: 1, avg_duration_seconds: 0 },
      { landing_page: "/p/sku-1", sessions: 1, bounces: 0, bounce_rate: 0, avg_duration_seconds: 120 },
    ]);
    expect(await run("landing_pages", { ...all, device: "desktop", limit: "1" })).toEqual([
      { landing_page: "/", sessions: 3, bounces: 1, bounce_rate: 0.3333, avg_duration_seconds: 300 },
    ]);
  });

  it("retention_weekly: u1 came back in week 1; the 11-30 cohort is anon-e alone", async () => {
    expect(await run("retention_weekly", all)).toEqual([
      { cohort_week: "2026-11-23", cohort_size: 3, week: 0, active_people: 3, retention: 1 },
      { cohort_week: "2026-11-23", cohort_size: 3, week: 1, active_people: 1, retention: 0.3333 },
      { cohort_week: "2026-11-30", cohort_size: 1, week: 0, active_people: 1, retention: 1 },
    ]);
    expect(await run("retention_weekly", { ...all, weeks: "0" })).toHaveLength(2);
  });

  it("time_to_purchase buckets people by their first order", async () => {
    expect(await run("time_to_purchase", all)).toEqual([
      { time_to_purchase: "first session", people: 1, share: 0.25 },
      // anon-c: first seen 11-23 11:00, first order in the session of 11-24 15:00 (28 hours).
      { time_to_purchase: "1-7 days", people: 1, share: 0.25 },
      { time_to_purchase: "not yet", people: 2, share: 0.5 },
    ]);
  });
});

describe("fraud and live metrics", () => {
  it("fraud_alerts_latest lists alerts newest first with each reason's text", async () => {
    expect(await run("fraud_alerts_latest", all)).toEqual([
      {
        alert_ts: "2026-11-30T12:07:02.000Z",
        score: 91,
        event_name: "Order Completed",
        order_id: "O3",
        customer: "u1",
        amount: 80,
        currency: "USD",
        reason_codes: "card_testing.distinct_cards,velocity.orders",
        reasons: "3 cards from this device in 10 minutes (limit 2); 2 orders from this account in 1 hour (limit 1)",
      },
      {
        alert_ts: "2026-11-30T12:06:01.000Z",
        score: 85.5,
        event_name: "Payment Attempted",
        order_id: "O3",
        customer: "u1",
        amount: 80,
        currency: "USD",
        reason_codes: "card_testing.distinct_cards",
        reasons: "3 cards from this device in 10 minutes (limit 2)",
      },
      {
        alert_ts: "2026-11-24T15:09:01.000Z",
        score: 70,
        event_name: "Payment Attempted",
        order_id: "O2",
        customer: "anon-c",
        amount: 50,
        currency: "EUR",
        reason_codes: "geo.mismatch",
        reasons: "card country US, IP country BR",
      },
    ]);
    const strong = await run("fraud_alerts_latest", { ...all, min_score: "86" });
    expect(strong.map((r) => r.score)).toEqual([91]);
  });

  it("fraud_rate_by_rule: alerts per rule over the six scored events (3 orders, 3 payments)", async () => {
    expect(await run("fraud_rate_by_rule", all)).toEqual([
      {
        rule: "card_testing.distinct_cards",
        alerts: 2,
        share_of_alerts: 0.6667,
        scored_events: 6,
        fraud_rate: 0.3333,
      },
      { rule: "geo.mismatch", alerts: 1, share_of_alerts: 0.3333, scored_events: 6, fraud_rate: 0.1667 },
      { rule: "velocity.orders", alerts: 1, share_of_alerts: 0.3333, scored_events: 6, fraud_rate: 0.1667 },
    ]);
  });

  it("live_last_hour: the hour up to the newest minute, latest revision of each minute", async () => {
    // 11:03 is exactly an hour before 12:03 and falls out; 12:00's revision 2 (12 events) wins over 1.
    expect(await run("live_last_hour")).toEqual([
      {
        minute: "2026-11-30T11:04:00.000Z",
        events: 6,
        events_per_second: 0.1,
        active_sessions: 2,
        visitors: 2,
        ordering_sessions: 0,
        orders: 0,
        bot_share: 0,
      },
      {
        minute: "2026-11-30T12:00:00.000Z",
        events: 12,
        events_per_second: 0.2,
        active_sessions: 4,
        visitors: 3,
        ordering_sessions: 0,
        orders: 0,
        bot_share: 0,
      },
      {
        minute: "2026-11-30T12:03:00.000Z",
        events: 7,
        events_per_second: 7 / 60,
        active_sessions: 3,
        visitors: 2,
        ordering_sessions: 1,
        orders: 1,
        bot_share: 0,
      },
    ]);
    expect((await run("live_last_hour", { minutes: "5" })).map((r) => r.minute)).toEqual([
      "2026-11-30T12:00:00.000Z",
      "2026-11-30T12:03:00.000Z",
    ]);
  });
});

describe("data quality", () => {
  it("dq_rows_per_hour: stored rows per partition, the two redeliveries as duplicates", async () => {
    expect(await run("dq_rows_per_hour", all)).toEqual([
      { dt: "2026-11-23", hour: 10, rows: 7, event_ids: 6, duplicate_rows: 1 },
      { dt: "2026-11-23", hour: 11, rows: 4, event_ids: 3, duplicate_rows: 1 },
      // e11 and the nine-days-late L2, stored in its receive hour.
      { dt: "2026-11-23", hour: 12, rows: 2, event_ids: 2, duplicate_rows: 0 },
      { dt: "2026-11-23", hour: 18, rows: 2, event_ids: 2, duplicate_rows: 0 },
      { dt: "2026-11-24", hour: 9, rows: 4, event_ids: 4, duplicate_rows: 0 },
      // S5 with payment p1 and the two-days-late L1, stored by its event time.
      { dt: "2026-11-24", hour: 15, rows: 7, event_ids: 7, duplicate_rows: 0 },
      { dt: "2026-11-30", hour: 12, rows: 7, event_ids: 7, duplicate_rows: 0 },
      { dt: "2026-11-30", hour: 13, rows: 1, event_ids: 1, duplicate_rows: 0 },
      { dt: "2026-12-01", hour: 9, rows: 1, event_ids: 1, duplicate_rows: 0 },
    ]);
  });

  it("dq_duplicate_ids: the client retry (two receive times) and the Kafka redelivery (one)", async () => {
    expect(await run("dq_duplicate_ids", all)).toEqual([
      {
        event_id: "e07",
        event_name: "Order Completed",
        copies: 2,
        first_received_at: "2026-11-23T10:08:00.250Z",
        last_received_at: "2026-11-23T10:10:00.250Z",
      },
      {
        event_id: "e09",
        event_name: "Product Viewed",
        copies: 2,
        first_received_at: "2026-11-23T11:01:00.250Z",
        last_received_at: "2026-11-23T11:01:00.250Z",
      },
    ]);
  });

  it("dq_null_rates over the 33 distinct events and the 3 orders", async () => {
    expect(await run("dq_null_rates", all)).toEqual([
      { column_name: "user_id", scope: "all events", rows: 33, nulls: 18, null_rate: 0.5455 },
      // p1-p3 and the refund come from the backend: no SDK session, no device.
      { column_name: "session_id", scope: "all events", rows: 33, nulls: 4, null_rate: 0.1212 },
      // Only the 9 page views carry a page.
      { column_name: "page_path", scope: "all events", rows: 33, nulls: 24, null_rate: 0.7273 },
      { column_name: "ua_device_type", scope: "all events", rows: 33, nulls: 4, null_rate: 0.1212 },
      { column_name: "geo_country", scope: "all events", rows: 33, nulls: 5, null_rate: 0.1515 },
      { column_name: "order_id", scope: "orders", rows: 3, nulls: 0, null_rate: 0 },
      { column_name: "revenue", scope: "orders", rows: 3, nulls: 0, null_rate: 0 },
      { column_name: "currency", scope: "orders", rows: 3, nulls: 1, null_rate: 0.3333 },
    ]);
  });

  it("dq_late_share: per receive day, events received more than late_hours after they happened", async () => {
    expect(await run("dq_late_share", all)).toEqual([
      { received_day: "2026-11-23", events: 13, late_events: 1, late_share: 0.0769, max_lag_hours: 219.5 },
      { received_day: "2026-11-24", events: 10, late_events: 0, late_share: 0, max_lag_hours: 0 },
      { received_day: "2026-11-26", events: 1, late_events: 1, late_share: 1, max_lag_hours: 48 },
      { received_day: "2026-11-30", events: 8, late_events: 0, late_share: 0, max_lag_hours: 0 },
      { received_day: "2026-12-01", events: 1, late_events: 0, late_share: 0, max_lag_hours: 0 },
    ]);
    // With a 72-hour threshold, the two-day-late view is no longer late.
    const relaxed = await run("dq_late_share", { ...all, late_hours: "72" });
    expect(relaxed.find((r) => r.received_day === "2026-11-26")).toMatchObject({ late_events: 0 });
  });

  it("dq_dead_letters: the sink's refusals by day and reason", async () => {
    expect(await run("dq_dead_letters", all)).toEqual([
      { day: "2026-11-23", stage: "sink", reason_code: "not_json", dead_letters: 2 },
      { day: "2026-11-23", stage: "sink", reason_code: "empty_value", dead_letters: 1 },
      { day: "2026-11-24", stage: "sink", reason_code: "not_collected_event", dead_letters: 1 },
    ]);
  });
});

describe("views", () => {
  it("session_people maps every session to its person, devices stitched by the users table", async () => {
    const rows = await fixture.engine.query("SELECT session_id, person_key FROM session_people ORDER BY session_id");
    expect(rows).toEqual([
      { session_id: "S1", person_key: "u1" },
      { session_id: "S2", person_key: "anon-c" },
      { session_id: "S3", person_key: "u3" },
      { session_id: "S4", person_key: "u1" },
      { session_id: "S5", person_key: "anon-c" },
      { session_id: "S6", person_key: "u1" },
      { session_id: "S7", person_key: "anon-e" },
      { session_id: "S8", person_key: "u1" },
    ]);
  });

  it("live_metrics_latest keeps the highest revision of each minute", async () => {
    const rows = await fixture.engine.query("SELECT minute, revision, events FROM live_metrics_latest ORDER BY minute");
    expect(rows.map((r) => [r.minute, r.revision, r.events])).toEqual([
      ["2026-11-30T10:30:00.000Z", 1, 100],
      ["2026-11-30T11:03:00.000Z", 1, 9],
      ["2026-11-30T11:04:00.000Z", 1, 6],
      ["2026-11-30T12:00:00.000Z", 2, 12],
      ["2026-11-30T12:03:00.000Z", 3, 7],
    ]);
  });

  it("daily_revenue over the sink's files: the retried order once, the refund negative", async () => {
    const rows = await fixture.engine.query(
      "SELECT event_date, currency, orders, gross_revenue, refunds, net_revenue FROM daily_revenue ORDER BY event_date, currency",
    );
    expect(rows).toEqual([
      { event_date: "2026-11-23", currency: "EUR", orders: 1, gross_revenue: 100, refunds: 0, net_revenue: 100 },
      { event_date: "2026-11-24", currency: null, orders: 1, gross_revenue: 50, refunds: 0, net_revenue: 50 },
      { event_date: "2026-11-30", currency: "USD", orders: 1, gross_revenue: 80, refunds: 0, net_revenue: 80 },
      { event_date: "2026-12-01", currency: "USD", orders: 0, gross_revenue: 0, refunds: -20, net_revenue: -20 },
    ]);
  });
});

describe("parameters", () => {
  it("a bad value fails before any SQL runs, naming the parameter and the type", async () => {
    await expect(run("funnel_sessions", { from: "2026-02-30" })).rejects.toThrow(
      'parameter from: expected date (YYYY-MM-DD, today or today-N), got "2026-02-30"',
    );
    await expect(run("funnel_sessions", { device: "fridge" })).rejects.toThrow(
      'parameter device: expected one of desktop, mobile, tablet, bot, other, got "fridge"',
    );
    await expect(run("top_products", { limit: "-1" })).rejects.toBeInstanceOf(ParamError);
    await expect(run("top_products", { colour: "red" })).rejects.toThrow(
      'top_products has no parameter "colour" (its parameters: from, to, limit)',
    );
  });

  it("a parameter value is bound, never spliced: a quote in a string is just a value", async () => {
    expect(await run("revenue_by_campaign", { ...all, currency: "x' OR '1'='1" })).toEqual([]);
  });
});
