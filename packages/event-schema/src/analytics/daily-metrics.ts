import { column, type LakeTable, type PartitionColumnDefinition, type RowOf } from "../storage/columns.js";

/**
 * The daily_metrics table: one row per UTC day, the day's KPIs from its sessions, written by the PySpark
 * job (packages/processing-jobs, shop_jobs.transforms.daily_metrics) after the day's sessionization.
 * Rates are per session; distinct counts are exact.
 */
export const dailyMetricColumns = [
  column("sessions", "int32", false, "Sessions that started on the day."),
  column("visitors", "int32", false, "Distinct anonymous ids among them."),
  column("identified_users", "int32", false, "Distinct user ids among them."),
  column("new_visitor_sessions", "int32", false, "Sessions of people not seen before (is_new_visitor)."),
  column("page_views", "int32", false, "Page and screen views."),
  column("product_views", "int32", false, "Product Viewed events."),
  column("cart_sessions", "int32", false, "Sessions with a Product Added."),
  column("checkout_sessions", "int32", false, "Sessions with a Checkout Started."),
  column("orders", "int32", false, "Order Completed events."),
  column("revenue", "double", false, "Their revenue (no currency conversion)."),
  column("converting_sessions", "int32", false, "Sessions with an order."),
  column("bounce_rate", "double", false, "Bounced sessions / sessions."),
  column("conversion_rate", "double", false, "Converting sessions / sessions."),
  column("avg_session_seconds", "double", false, "Mean session duration in seconds."),
] as const;

export const dailyMetricPartitionColumns = [
  { name: "dt", type: "string", doc: "The UTC day, YYYY-MM-DD (the sessions' dt)." },
] as const satisfies readonly PartitionColumnDefinition[];

export const dailyMetricsLakeTable = {
  name: "daily_metrics",
  columns: dailyMetricColumns,
  partitions: dailyMetricPartitionColumns,
} as const satisfies LakeTable;

export type DailyMetricsRow = RowOf<typeof dailyMetricColumns>;
