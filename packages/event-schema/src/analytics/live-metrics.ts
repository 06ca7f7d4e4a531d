import { type Static, Type } from "@sinclair/typebox";
import { column, type LakeTable, type PartitionColumnDefinition, type RowOf } from "../storage/columns.js";

/**
 * Live behaviour metrics: one record per minute of event time, computed by the streaming job
 * (packages/processing-jobs, shop_jobs.streaming.live_metrics) straight from the raw events topic. It goes
 * to the `metrics.live` Kafka topic (this record, as JSON, keyed by the minute) for dashboards, and to the
 * `live_metrics` lake table (the row below) for analysts.
 *
 * A minute's figures are revised while late events within the job's watermark arrive: each revision is a
 * new record with a higher `revision`, so a consumer keeps the latest per minute (the topic can be
 * compacted on the key) and the table holds one row per (minute, revision).
 *
 * Sessions here are the SDK's session ids (an event without one counts under its anonymous id): the live
 * job does not wait for the 30-minute inactivity gap that the sessions table uses.
 */
export const LIVE_METRICS_VERSION = 1;

/** How many products the top lists carry. */
export const LIVE_TOP_PRODUCTS = 10;

const Count = Type.Integer({ minimum: 0 });
const ProductCount = Type.Object(
  { productId: Type.String({ minLength: 1 }), count: Count },
  { additionalProperties: false },
);

export const LiveMetrics = Type.Object(
  {
    v: Type.Literal(LIVE_METRICS_VERSION),
    /** Start of the minute (UTC, event time). */
    minute: Type.String({ format: "date-time" }),
    /** The job's micro-batch that produced this revision; higher is newer. */
    revision: Count,
    /** When the revision was computed (UTC). */
    computedAt: Type.String({ format: "date-time" }),
    /** Events in the minute, each event id once. */
    events: Count,
    /** events / 60. */
    eventsPerSecond: Type.Number({ minimum: 0 }),
    /** Distinct sessions with an event in the minute. */
    activeSessions: Count,
    /** Distinct anonymous ids with an event in the minute. */
    visitors: Count,
    /** The funnel in sessions: of the minute's sessions, how many had each step in the minute. */
    funnel: Type.Object(
      { productViewed: Count, addedToCart: Count, checkoutStarted: Count, ordered: Count },
      { additionalProperties: false },
    ),
    /** Order Completed events. */
    orders: Count,
    /** Their revenue by ISO 4217 currency code (as sent, no conversion; `"???"` when the order had none). */
    revenue: Type.Record(Type.String(), Type.Number()),
    /** Product Viewed events by product, most first (ties by product id), at most LIVE_TOP_PRODUCTS. */
    topProductsViewed: Type.Array(ProductCount, { maxItems: LIVE_TOP_PRODUCTS }),
    /** Units ordered (Order Completed products' quantity, 1 when absent) by product, as above. */
    topProductsBought: Type.Array(ProductCount, { maxItems: LIVE_TOP_PRODUCTS }),
    /** Events from bots (is_bot) and their share of the minute's events (0 without events). */
    botEvents: Count,
    botShare: Type.Number({ minimum: 0, maximum: 1 }),
  },
  { $id: "LiveMetrics", additionalProperties: false },
);
export type LiveMetrics = Static<typeof LiveMetrics>;

/** The live_metrics table: one row per minute and revision. */
export const liveMetricColumns = [
  column("minute", "timestamp_ms", false, "Start of the minute (UTC, event time)."),
  column("revision", "int32", false, "The streaming job's micro-batch that produced the row; the latest wins."),
  column("computed_at", "timestamp_ms", false, "When the revision was computed (UTC)."),
  column("events", "int32", false, "Events in the minute, each event id once."),
  column("events_per_second", "double", false, "events / 60."),
  column("active_sessions", "int32", false, "Distinct sessions (SDK session ids) with an event in the minute."),
  column("visitors", "int32", false, "Distinct anonymous ids with an event in the minute."),
  column("funnel_product_viewed", "int32", false, "Sessions with a Product Viewed in the minute."),
  column("funnel_added_to_cart", "int32", false, "Sessions with a Product Added in the minute."),
  column("funnel_checkout_started", "int32", false, "Sessions with a Checkout Started in the minute."),
  column("funnel_ordered", "int32", false, "Sessions with an Order Completed in the minute."),
  column("orders", "int32", false, "Order Completed events."),
  column("revenue_json", "string", false, 'Revenue by currency as a JSON object, e.g. {"EUR":120.5}.'),
  column("top_products_viewed_json", "string", false, 'Most viewed products: JSON [{"productId","count"}].'),
  column("top_products_bought_json", "string", false, 'Most bought products (units): JSON [{"productId","count"}].'),
  column("bot_events", "int32", false, "Events from bots."),
  column("bot_share", "double", false, "bot_events / events."),
] as const;

export const liveMetricPartitionColumns = [
  { name: "dt", type: "string", doc: "UTC date of minute, YYYY-MM-DD." },
] as const satisfies readonly PartitionColumnDefinition[];

export const liveMetricsLakeTable = {
  name: "live_metrics",
  columns: liveMetricColumns,
  partitions: liveMetricPartitionColumns,
} as const satisfies LakeTable;

export type LiveMetricsRow = RowOf<typeof liveMetricColumns>;
