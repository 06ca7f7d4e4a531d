/**
 * The catalogue's fixture: a small shop with known answers. Events go through the real S3 sink (Parquet
 * by its writer, dead letters as JSON lines by its decoder, both served as the sink wrote them), with
 * duplicate deliveries, a refund and late events; the tables the Spark jobs write (sessions, users,
 * fraud_alerts, live_metrics) are written as Parquet in their contract schemas. test/catalogue.test.ts asserts every question's
 * exact output over it; the numbers there are worked out from the story below.
 *
 * People and sessions (UTC, 2026; 11-23 and 11-30 are Mondays):
 * - P1, user u1, devices anon-a (desktop) and anon-b (mobile):
 *   S1 11-23 10:00 anon-a, email / black-friday: views sku-1 and sku-2, adds, checks out, orders O1
 *      (100 EUR: sku-1 x2, sku-2 x1); the order is delivered twice (a client retry, 2 minutes later).
 *   S8 11-23 18:00 anon-a, email / black-friday again: views sku-2.
 *   S4 11-24 09:00 anon-b, email / black-friday, signed in: views sku-2, adds, checks out, no order.
 *   S6 11-30 12:00 anon-a, paid search / cyber-monday: views sku-3, adds, checks out, two payment
 *      attempts, orders O3 (80 USD: sku-3 x1); O3 is refunded 20 USD on 12-01 (no session).
 * - P2, anonymous, anon-c (mobile):
 *   S2 11-23 11:00 organic search, lands on /p/sku-1: views it (delivered twice by Kafka), adds, leaves.
 *   S5 11-24 15:00 direct: views sku-1, adds, checks out, pays, orders O2 (50, no currency sent); a view
 *      of sku-3 at 15:02 arrives two days late (11-26).
 * - P3, user u3, anon-d (desktop): S3 11-23 12:00, direct, bounces; a page view of 11-14 arrives nine days
 *   late (11-23 12:30), past the sink's 7-day bound, so it is stored in the receive hour.
 * - P4, anonymous, anon-e (tablet): S7 11-30 13:00, organic social, lands on /blog and bounces.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { CollectedEvent } from "@shop/event-schema";
import { type DuckDbEngine, openDuckDbEngine } from "../../src/engine/local/duckdb-engine.js";
import { type TableDefinition, tables } from "../../src/tables.js";
import { writeParquet } from "./parquet.js";
import { runSink, type SinkInput } from "./sink.js";

const contractTables: readonly TableDefinition<string>[] = tables;
const table = (name: string): TableDefinition<string> => {
  const found = contractTables.find((t) => t.name === name);
  if (!found) throw new Error(`the contract has no ${name} table`);
  return found;
};

// ── events ─────────────────────────────────────────────────────────────────────────────────────────

interface Device {
  readonly anon: string;
  readonly deviceType?: string;
  readonly country?: string;
}
const anonA: Device = { anon: "anon-a", deviceType: "desktop", country: "DE" };
const anonB: Device = { anon: "anon-b", deviceType: "mobile", country: "DE" };
const anonC: Device = { anon: "anon-c", deviceType: "mobile", country: "BR" };
const anonD: Device = { anon: "anon-d", deviceType: "desktop", country: "FR" };
const anonE: Device = { anon: "anon-e", deviceType: "tablet", country: "US" };

interface EventOptions {
  readonly user?: string;
  /** SDK session id; none for server-side events. */
  readonly session?: string;
  /** When the collector received it. @default event time + 250 ms */
  readonly receivedAt?: string;
  readonly campaign?: { source: string; medium: string; name: string };
  /** Server-side (the shop's backend): no device enrichment, no session, no page. */
  readonly server?: boolean;
  /** No IP country (an old client). */
  readonly noCountry?: boolean;
}

const ms = (iso: string) => Date.parse(iso);

function collected(
  id: string,
  at: string,
  device: Device,
  event: Record<string, unknown>,
  options: EventOptions = {},
): CollectedEvent {
  const context: Record<string, unknown> = {};
  if (!options.server && options.session) context.session = { id: options.session, seq: 0 };
  if (options.campaign) context.campaign = options.campaign;
  return {
    v: 1,
    receivedAt: options.receivedAt ?? new Date(ms(at) + 250).toISOString(),
    enrichment: {
      eventTs: at,
      sourceId: options.server ? "shop-backend" : "web",
      ...(options.server ? {} : { deviceType: device.deviceType, browser: "Firefox", isBot: false }),
      ...(options.server || options.noCountry ? {} : { geoCountry: device.country }),
    },
    event: {
      messageId: id,
      anonymousId: device.anon,
      ...(options.user ? { userId: options.user } : {}),
      timestamp: at,
      ...event,
      context: { ...context, ...((event.context as object | undefined) ?? {}) },
    } as unknown as CollectedEvent["event"],
  };
}

const page = (id: string, at: string, device: Device, path: string, options: EventOptions = {}) =>
  collected(id, at, device, { type: "page", properties: { path }, context: { page: { path } } }, options);
const track = (
  id: string,
  at: string,
  device: Device,
  name: string,
  properties: Record<string, unknown>,
  options: EventOptions = {},
) => collected(id, at, device, { type: "track", event: name, properties }, options);

const blackFriday = { source: "news", medium: "email", name: "black-friday" };
const cyberMonday = { source: "google", medium: "cpc", name: "cyber-monday" };

const o1 = track(
  "e07",
  "2026-11-23T10:08:00.000Z",
  anonA,
  "Order Completed",
  {
    order_id: "O1",
    revenue: 100,
    currency: "eur",
    products: [
      { product_id: "sku-1", quantity: 2, price: 30 },
      { product_id: "sku-2", quantity: 1, price: 40 },
    ],
  },
  { user: "u1", session: "sdk-1" },
);
const e09 = track(
  "e09",
  "2026-11-23T11:01:00.000Z",
  anonC,
  "Product Viewed",
  { product_id: "sku-1" },
  { session: "sdk-2" },
);

const firstBatch: CollectedEvent[] = [
  // S1
  page("e01", "2026-11-23T10:00:00.000Z", anonA, "/", { session: "sdk-1", campaign: blackFriday }),
  track("e02", "2026-11-23T10:01:00.000Z", anonA, "Product Viewed", { product_id: "sku-1" }, { session: "sdk-1" }),
  track("e03", "2026-11-23T10:02:00.000Z", anonA, "Product Viewed", { product_id: "sku-2" }, { session: "sdk-1" }),
  track(
    "e04",
    "2026-11-23T10:03:00.000Z",
    anonA,
    "Product Added",
    { product_id: "sku-1", quantity: 2 },
    { session: "sdk-1" },
  ),
  track(
    "e05",
    "2026-11-23T10:05:00.000Z",
    anonA,
    "Checkout Started",
    { checkout_id: "C1", value: 100 },
    { session: "sdk-1" },
  ),
  o1,
  // S2
  page("e08", "2026-11-23T11:00:00.000Z", anonC, "/p/sku-1", { session: "sdk-2" }),
  e09,
  track("e10", "2026-11-23T11:02:00.000Z", anonC, "Product Added", { product_id: "sku-1" }, { session: "sdk-2" }),
  // S3, and a page view of 11-14 received nine days late
  page("e11", "2026-11-23T12:00:00.000Z", anonD, "/", { user: "u3", session: "sdk-3" }),
  page("L2", "2026-11-14T09:00:00.000Z", anonD, "/old", {
    user: "u3",
    session: "sdk-old",
    receivedAt: "2026-11-23T12:30:00.000Z",
    noCountry: true,
  }),
  // S8
  page("e28", "2026-11-23T18:00:00.000Z", anonA, "/p/sku-2", { session: "sdk-8", campaign: blackFriday }),
  track("e29", "2026-11-23T18:01:00.000Z", anonA, "Product Viewed", { product_id: "sku-2" }, { session: "sdk-8" }),
  // S4
  page("e12", "2026-11-24T09:00:00.000Z", anonB, "/p/sku-2", { user: "u1", session: "sdk-4", campaign: blackFriday }),
  track(
    "e13",
    "2026-11-24T09:01:00.000Z",
    anonB,
    "Product Viewed",
    { product_id: "sku-2" },
    { user: "u1", session: "sdk-4" },
  ),
  track(
    "e14",
    "2026-11-24T09:02:00.000Z",
    anonB,
    "Product Added",
    { product_id: "sku-2" },
    { user: "u1", session: "sdk-4" },
  ),
  track(
    "e15",
    "2026-11-24T09:04:00.000Z",
    anonB,
    "Checkout Started",
    { checkout_id: "C4" },
    { user: "u1", session: "sdk-4" },
  ),
  // S5
  page("e16", "2026-11-24T15:00:00.000Z", anonC, "/", { session: "sdk-5" }),
  track("e17", "2026-11-24T15:01:00.000Z", anonC, "Product Viewed", { product_id: "sku-1" }, { session: "sdk-5" }),
  track("e18", "2026-11-24T15:03:00.000Z", anonC, "Product Added", { product_id: "sku-1" }, { session: "sdk-5" }),
  track("e19", "2026-11-24T15:05:00.000Z", anonC, "Checkout Started", { checkout_id: "C5" }, { session: "sdk-5" }),
  track(
    "p1",
    "2026-11-24T15:09:00.000Z",
    anonC,
    "Payment Attempted",
    { order_id: "O2", amount: 50, currency: "EUR", status: "authorized" },
    { server: true },
  ),
  track(
    "e20",
    "2026-11-24T15:10:00.000Z",
    anonC,
    "Order Completed",
    { order_id: "O2", revenue: 50, products: [{ product_id: "sku-1" }] },
    { session: "sdk-5" },
  ),
];

const secondBatch: CollectedEvent[] = [
  // The client retried O1: same message id, received two minutes later.
  { ...o1, receivedAt: "2026-11-23T10:10:00.250Z" },
  // Kafka delivered e09 again: the identical record.
  e09,
  // S5's view of sku-3, two days late (within the sink's bound: stored by event time).
  track(
    "L1",
    "2026-11-24T15:02:00.000Z",
    anonC,
    "Product Viewed",
    { product_id: "sku-3" },
    { session: "sdk-5", receivedAt: "2026-11-26T15:02:00.000Z" },
  ),
  // S6
  page("e21", "2026-11-30T12:00:00.000Z", anonA, "/", { user: "u1", session: "sdk-6", campaign: cyberMonday }),
  track(
    "e22",
    "2026-11-30T12:01:00.000Z",
    anonA,
    "Product Viewed",
    { product_id: "sku-3" },
    { user: "u1", session: "sdk-6" },
  ),
  track(
    "e23",
    "2026-11-30T12:02:00.000Z",
    anonA,
    "Product Added",
    { product_id: "sku-3" },
    { user: "u1", session: "sdk-6" },
  ),
  track(
    "e24",
    "2026-11-30T12:03:00.000Z",
    anonA,
    "Checkout Started",
    { checkout_id: "C6" },
    { user: "u1", session: "sdk-6" },
  ),
  track(
    "p2",
    "2026-11-30T12:04:00.000Z",
    anonA,
    "Payment Attempted",
    { order_id: "O3", amount: 80, currency: "USD", status: "declined" },
    { user: "u1", server: true },
  ),
  track(
    "p3",
    "2026-11-30T12:06:00.000Z",
    anonA,
    "Payment Attempted",
    { order_id: "O3", amount: 80, currency: "USD", status: "authorized" },
    { user: "u1", server: true },
  ),
  track(
    "e25",
    "2026-11-30T12:07:00.000Z",
    anonA,
    "Order Completed",
    { order_id: "O3", revenue: 80, currency: "USD", products: [{ product_id: "sku-3", quantity: 1 }] },
    { user: "u1", session: "sdk-6" },
  ),
  track(
    "e26",
    "2026-12-01T09:00:00.000Z",
    anonA,
    "Order Refunded",
    { order_id: "O3", total: 20, currency: "USD" },
    { user: "u1", server: true },
  ),
  // S7
  page("e27", "2026-11-30T13:00:00.000Z", anonE, "/blog", { session: "sdk-7" }),
];

// Records the sink refuses: they become dead letters with the sink's reason codes.
const refused: SinkInput[] = [
  { raw: "{oops", at: "2026-11-23T10:30:00.000Z" },
  { raw: null, at: "2026-11-23T10:31:00.000Z" },
  { raw: "not json either", at: "2026-11-23T16:00:00.000Z" },
  { raw: '{"v":1}', at: "2026-11-24T09:30:00.000Z" },
];

/** The Kafka batches the sink gets: two invocations, each with events and records it refuses. */
export const sinkBatches: readonly (readonly SinkInput[])[] = [
  [...firstBatch.map((c) => ({ collected: c })), ...refused.slice(0, 2)],
  [...secondBatch.map((c) => ({ collected: c })), ...refused.slice(2)],
];

// ── tables the Spark jobs write ────────────────────────────────────────────────────────────────────

type Row = Record<string, unknown>;

const session = (
  id: string,
  device: Device,
  start: string,
  end: string,
  values: {
    user?: string;
    pv: number;
    productViews: number;
    cartAdds: number;
    checkout: boolean;
    orders: number;
    revenue: number;
    landing: string;
    channel: string;
    utm?: { source: string; medium: string; name: string };
    isNew: boolean;
  },
): Row => ({
  session_id: id,
  anonymous_id: device.anon,
  user_id: values.user ?? null,
  session_start: start,
  session_end: end,
  duration_seconds: (ms(end) - ms(start)) / 1000,
  event_count: values.pv + values.productViews + values.cartAdds + (values.checkout ? 1 : 0) + values.orders,
  page_views: values.pv,
  product_views: values.productViews,
  orders: values.orders,
  revenue: values.revenue,
  is_bounce: values.pv === 1 && values.productViews + values.cartAdds + values.orders === 0 && !values.checkout,
  landing_page: values.landing,
  utm_source: values.utm?.source ?? null,
  utm_medium: values.utm?.medium ?? null,
  utm_campaign: values.utm?.name ?? null,
  cart_adds: values.cartAdds,
  checkout_started: values.checkout,
  exit_page: values.landing,
  device_type: device.deviceType ?? null,
  browser: "Firefox",
  country: device.country ?? null,
  channel: values.channel,
  is_new_visitor: values.isNew,
  dt: start.slice(0, 10),
});

export const sessionRows: Row[] = [
  session("S1", anonA, "2026-11-23T10:00:00.000Z", "2026-11-23T10:08:00.000Z", {
    user: "u1",
    pv: 1,
    productViews: 2,
    cartAdds: 1,
    checkout: true,
    orders: 1,
    revenue: 100,
    landing: "/",
    channel: "email",
    utm: blackFriday,
    isNew: true,
  }),
  session("S2", anonC, "2026-11-23T11:00:00.000Z", "2026-11-23T11:02:00.000Z", {
    pv: 1,
    productViews: 1,
    cartAdds: 1,
    checkout: false,
    orders: 0,
    revenue: 0,
    landing: "/p/sku-1",
    channel: "organic_search",
    isNew: true,
  }),
  session("S3", anonD, "2026-11-23T12:00:00.000Z", "2026-11-23T12:00:00.000Z", {
    user: "u3",
    pv: 1,
    productViews: 0,
    cartAdds: 0,
    checkout: false,
    orders: 0,
    revenue: 0,
    landing: "/",
    channel: "direct",
    isNew: true,
  }),
  session("S8", anonA, "2026-11-23T18:00:00.000Z", "2026-11-23T18:05:00.000Z", {
    pv: 1,
    productViews: 1,
    cartAdds: 0,
    checkout: false,
    orders: 0,
    revenue: 0,
    landing: "/p/sku-2",
    channel: "email",
    utm: blackFriday,
    isNew: false,
  }),
  session("S4", anonB, "2026-11-24T09:00:00.000Z", "2026-11-24T09:04:00.000Z", {
    user: "u1",
    pv: 1,
    productViews: 1,
    cartAdds: 1,
    checkout: true,
    orders: 0,
    revenue: 0,
    landing: "/p/sku-2",
    channel: "email",
    utm: blackFriday,
    isNew: false,
  }),
  session("S5", anonC, "2026-11-24T15:00:00.000Z", "2026-11-24T15:10:00.000Z", {
    pv: 1,
    productViews: 2,
    cartAdds: 1,
    checkout: true,
    orders: 1,
    revenue: 50,
    landing: "/",
    channel: "direct",
    isNew: false,
  }),
  session("S6", anonA, "2026-11-30T12:00:00.000Z", "2026-11-30T12:07:00.000Z", {
    user: "u1",
    pv: 1,
    productViews: 1,
    cartAdds: 1,
    checkout: true,
    orders: 1,
    revenue: 80,
    landing: "/",
    channel: "paid_search",
    utm: cyberMonday,
    isNew: false,
  }),
  session("S7", anonE, "2026-11-30T13:00:00.000Z", "2026-11-30T13:00:00.000Z", {
    pv: 1,
    productViews: 0,
    cartAdds: 0,
    checkout: false,
    orders: 0,
    revenue: 0,
    landing: "/blog",
    channel: "organic_social",
    isNew: true,
  }),
];

const user = (values: Row): Row => ({
  devices: String(values.anonymous_ids).split(",").length,
  first_utm_source: null,
  first_utm_campaign: null,
  first_landing_page: null,
  last_country: null,
  last_device_type: null,
  dt: String(values.first_seen).slice(0, 10),
  ...values,
});

export const userRows: Row[] = [
  user({
    user_key: "u1",
    user_id: "u1",
    anonymous_ids: "anon-a,anon-b",
    first_seen: "2026-11-23T10:00:00.000Z",
    last_seen: "2026-11-30T12:07:00.000Z",
    sessions: 4,
    orders: 2,
    revenue: 180,
    first_order_at: "2026-11-23T10:00:00.000Z",
    first_channel: "email",
  }),
  user({
    user_key: "anon-c",
    user_id: null,
    anonymous_ids: "anon-c",
    first_seen: "2026-11-23T11:00:00.000Z",
    last_seen: "2026-11-24T15:10:00.000Z",
    sessions: 2,
    orders: 1,
    revenue: 50,
    first_order_at: "2026-11-24T15:00:00.000Z",
    first_channel: "organic_search",
  }),
  user({
    user_key: "u3",
    user_id: "u3",
    anonymous_ids: "anon-d",
    first_seen: "2026-11-23T12:00:00.000Z",
    last_seen: "2026-11-23T12:00:00.000Z",
    sessions: 1,
    orders: 0,
    revenue: 0,
    first_order_at: null,
    first_channel: "direct",
  }),
  user({
    user_key: "anon-e",
    user_id: null,
    anonymous_ids: "anon-e",
    first_seen: "2026-11-30T13:00:00.000Z",
    last_seen: "2026-11-30T13:00:00.000Z",
    sessions: 1,
    orders: 0,
    revenue: 0,
    first_order_at: null,
    first_channel: "organic_social",
  }),
];

const reason = (code: string, text: string, weight: number) => ({ code, text, weight, evidence: {} });
const alert = (values: Row & { reasons: ReturnType<typeof reason>[]; event_ts: string; alert_ts: string }): Row => {
  const { reasons, ...rest } = values;
  return {
    rule_version: "v3",
    threshold: 60,
    reason_codes: reasons.map((r) => r.code).join(","),
    reasons_json: JSON.stringify(reasons),
    checkout_id: null,
    ip_anonymized: null,
    geo_country: null,
    card_fingerprint: null,
    dt: values.event_ts.slice(0, 10),
    ...rest,
  };
};

export const fraudAlertRows: Row[] = [
  alert({
    alert_id: "alert-a1",
    score: 91,
    reasons: [
      reason("card_testing.distinct_cards", "3 cards from this device in 10 minutes (limit 2)", 0.7),
      reason("velocity.orders", "2 orders from this account in 1 hour (limit 1)", 0.7),
    ],
    event_id: "e25",
    event_name: "Order Completed",
    order_id: "O3",
    user_id: "u1",
    anonymous_id: "anon-a",
    amount: 80,
    currency: "USD",
    event_ts: "2026-11-30T12:07:00.000Z",
    alert_ts: "2026-11-30T12:07:02.000Z",
  }),
  alert({
    alert_id: "alert-a2",
    score: 70,
    reasons: [reason("geo.mismatch", "card country US, IP country BR", 0.7)],
    event_id: "p1",
    event_name: "Payment Attempted",
    order_id: "O2",
    user_id: null,
    anonymous_id: "anon-c",
    amount: 50,
    currency: "EUR",
    event_ts: "2026-11-24T15:09:00.000Z",
    alert_ts: "2026-11-24T15:09:01.000Z",
  }),
  alert({
    alert_id: "alert-a3",
    score: 85.5,
    reasons: [reason("card_testing.distinct_cards", "3 cards from this device in 10 minutes (limit 2)", 0.7)],
    event_id: "p3",
    event_name: "Payment Attempted",
    order_id: "O3",
    user_id: "u1",
    anonymous_id: "anon-a",
    amount: 80,
    currency: "USD",
    event_ts: "2026-11-30T12:06:00.000Z",
    alert_ts: "2026-11-30T12:06:01.000Z",
  }),
];

const live = (minute: string, revision: number, events: number, orders = 0): Row => ({
  minute,
  revision,
  computed_at: new Date(ms(minute) + 60_000 + revision * 1000).toISOString(),
  events,
  events_per_second: events / 60,
  active_sessions: Math.ceil(events / 3),
  visitors: Math.ceil(events / 4),
  funnel_product_viewed: 1,
  funnel_added_to_cart: 1,
  funnel_checkout_started: orders,
  funnel_ordered: orders,
  orders,
  revenue_json: orders > 0 ? '{"USD":80}' : "{}",
  top_products_viewed_json: "[]",
  top_products_bought_json: "[]",
  bot_events: 0,
  bot_share: 0,
  dt: minute.slice(0, 10),
});

/** Revisions of minutes: only the latest revision of a minute counts; 12:03 is the newest minute. */
export const liveMetricRows: Row[] = [
  live("2026-11-30T10:30:00.000Z", 1, 100),
  live("2026-11-30T11:03:00.000Z", 1, 9),
  live("2026-11-30T11:04:00.000Z", 1, 6),
  live("2026-11-30T12:00:00.000Z", 1, 10),
  live("2026-11-30T12:00:00.000Z", 2, 12),
  live("2026-11-30T12:03:00.000Z", 3, 7, 1),
];

// ── writing ────────────────────────────────────────────────────────────────────────────────────────

export interface CatalogueFixture {
  readonly dir: string;
  readonly engine: DuckDbEngine;
  /** The sink's object keys, for tests that look at what it wrote. */
  readonly sinkKeys: readonly string[];
}

function place(dir: string, key: string, body: Uint8Array | string): string {
  const path = join(dir, key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body);
  return path;
}

async function writeTable(dir: string, name: string, rows: readonly Row[]): Promise<string[]> {
  const definition = table(name);
  const byPartition = new Map<string, Row[]>();
  for (const row of rows) {
    const key = definition.partitions
      .map((p) => `${p.name}=${String(row[p.name]).padStart(p.name === "hour" ? 2 : 0, "0")}`)
      .join("/");
    byPartition.set(key, [...(byPartition.get(key) ?? []), row]);
  }
  const paths: string[] = [];
  for (const [partition, partitionRows] of byPartition) {
    const path = join(dir, name, partition, "part-00000.parquet");
    mkdirSync(dirname(path), { recursive: true });
    await writeParquet(path, definition.columns, partitionRows);
    paths.push(path);
  }
  return paths;
}

/** Runs the sink, writes every table under a fresh directory and opens a DuckDB engine over it. */
export async function openCatalogueFixture(): Promise<CatalogueFixture> {
  const dir = mkdtempSync(join(tmpdir(), "shop-query-catalogue-"));
  const objects = await runSink(sinkBatches);
  const eventFiles: string[] = [];
  const deadLetterFiles: string[] = [];
  for (const [key, body] of objects) {
    if (key.startsWith(`${table("events").folder}/`)) eventFiles.push(place(dir, key, body));
    else if (key.startsWith(`${table("dead_letters").folder}/`)) deadLetterFiles.push(place(dir, key, body));
    else throw new Error(`the sink wrote an unexpected object ${key}`);
  }
  const files = {
    events: eventFiles,
    sessions: await writeTable(dir, "sessions", sessionRows),
    users: await writeTable(dir, "users", userRows),
    fraud_alerts: await writeTable(dir, "fraud_alerts", fraudAlertRows),
    live_metrics: await writeTable(dir, "live_metrics", liveMetricRows),
    // The sink's JSON lines themselves, read by the dead_letters view as Athena's OpenX SerDe reads them.
    dead_letters: deadLetterFiles,
  };
  const engine = await openDuckDbEngine({ dataDir: dir });
  await engine.bindTables(files);
  return { dir, engine, sinkKeys: [...objects.keys()].sort() };
}
