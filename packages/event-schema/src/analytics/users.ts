import { column, type LakeTable, type PartitionColumnDefinition, type RowOf } from "../storage/columns.js";

/**
 * The users table: one row per person, rebuilt from the whole sessions table by the PySpark job
 * (packages/processing-jobs, shop_jobs.transforms.users). A person is a user id and every anonymous id
 * (device/browser) that was ever seen with it, so the sessions a device had before its sign-in are
 * attributed to the user; a device never seen with a user id is a person of its own.
 */
export const userColumns = [
  column("user_key", "string", false, "user_id when the person is identified, else their only anonymous_id."),
  column("user_id", "string", true, "The user id (null for a device never identified)."),
  column(
    "anonymous_ids",
    "string",
    false,
    "Every anonymous_id stitched to the person, sorted, comma-separated (identity stitching).",
  ),
  column("devices", "int32", false, "How many anonymous ids (devices/browsers) the person used."),
  column("first_seen", "timestamp_ms", false, "session_start of the person's first session (UTC)."),
  column("last_seen", "timestamp_ms", false, "session_end of the person's last session (UTC)."),
  column("sessions", "int32", false, "Sessions of all the person's anonymous ids, before and after sign-in."),
  column("orders", "int32", false, "Order Completed events in those sessions."),
  column("revenue", "double", false, "Their revenue (no currency conversion)."),
  column("first_order_at", "timestamp_ms", true, "session_start of the first session with an order."),
  column("first_channel", "string", true, "Channel of the first session (first-touch attribution)."),
  column("first_utm_source", "string", true, "utm_source of the first session."),
  column("first_utm_campaign", "string", true, "utm_campaign of the first session."),
  column("first_landing_page", "string", true, "Landing page of the first session."),
  column("last_country", "string", true, "Country of the last session that has one."),
  column("last_device_type", "string", true, "Device type of the last session that has one."),
] as const;

/** Partitioned by the day the person was first seen (a cohort); each rebuild replaces the whole table. */
export const userPartitionColumns = [
  { name: "dt", type: "string", doc: "UTC date of first_seen, YYYY-MM-DD (the person's cohort day)." },
] as const satisfies readonly PartitionColumnDefinition[];

export const usersLakeTable = {
  name: "users",
  columns: userColumns,
  partitions: userPartitionColumns,
} as const satisfies LakeTable;

export type UserRow = RowOf<typeof userColumns>;
