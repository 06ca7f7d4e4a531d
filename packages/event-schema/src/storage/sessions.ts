import {
  type ColumnDefinition,
  column,
  type LakeTable,
  type PartitionColumnDefinition,
  type RowOf,
} from "./columns.js";

/**
 * The sessions row: one row per session, written by the PySpark sessionization job
 * (packages/processing-jobs, shop_jobs.transforms.sessions.sessionize). This list is the single definition;
 * the job loads the generated Spark schema, and the Athena DDL and the query package derive from it too.
 * The Spark job must produce exactly these columns in this order (its tests compare with the generated file).
 * As with the storage row, append new columns at the end and make them nullable: earlier days' files keep
 * the old layout.
 */
export const sessionColumns = [
  column(
    "session_id",
    "string",
    false,
    "First 32 hex digits of sha256(anonymous_id|first event_id): the same on every re-run.",
  ),
  column("anonymous_id", "string", false, "Device/browser the session belongs to."),
  column("user_id", "string", true, "Last non-null user_id in the session."),
  column("session_start", "timestamp_ms", false, "event_ts of the first event (UTC)."),
  column("session_end", "timestamp_ms", false, "event_ts of the last event (UTC)."),
  column("duration_seconds", "double", false, "session_end - session_start in seconds (millisecond precision)."),
  column("event_count", "int32", false, "Events in the session, each event_id once."),
  column("page_views", "int32", false, "page and screen events in the session."),
  column("product_views", "int32", false, "Product Viewed events in the session."),
  column("orders", "int32", false, "Order Completed events in the session."),
  column("revenue", "double", false, "Sum of Order Completed revenue (0 without orders; no currency conversion)."),
  column("is_bounce", "boolean", false, "Exactly one page view and no track event."),
  column("landing_page", "string", true, "First non-null page_path of the session."),
  column("utm_source", "string", true, "utm_source of the first event."),
  column("utm_medium", "string", true, "utm_medium of the first event."),
  column("utm_campaign", "string", true, "utm_campaign of the first event."),
  // Added with the streaming sessions (issue 12); files written before them read these as null.
  column("cart_adds", "int32", true, "Product Added events in the session."),
  column("checkout_started", "boolean", true, "Whether the session has a Checkout Started event."),
  column("exit_page", "string", true, "Last non-null page_path of the session."),
  column("device_type", "string", true, "First non-null ua_device_type (desktop | mobile | tablet | bot | other)."),
  column("browser", "string", true, "First non-null ua_browser (browser family)."),
  column("country", "string", true, "First non-null geo_country (ISO 3166-1 alpha-2)."),
  column(
    "channel",
    "string",
    true,
    "Acquisition channel of the first event, from its UTM tags and referrer (processing-jobs README: Channels).",
  ),
  column(
    "is_new_visitor",
    "boolean",
    true,
    "No earlier session of the same person (its anonymous ids, stitched by the users table) is known.",
  ),
] as const satisfies readonly ColumnDefinition[];

/** One partition a UTC day: sessions belong to the day they start on. */
export const sessionPartitionColumns = [
  { name: "dt", type: "string", doc: "UTC date of session_start, YYYY-MM-DD." },
] as const satisfies readonly PartitionColumnDefinition[];

/** The sessions table the Spark job writes. */
export const sessionsLakeTable = {
  name: "sessions",
  columns: sessionColumns,
  partitions: sessionPartitionColumns,
} as const satisfies LakeTable;

/** A sessions row as plain values; timestamps are epoch milliseconds (UTC). */
export type SessionRow = RowOf<typeof sessionColumns>;
export type SessionColumnName = (typeof sessionColumns)[number]["name"];
