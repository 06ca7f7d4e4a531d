/**
 * The storage row: one flat, typed row per event, for Parquet, Spark and Athena.
 * This list is the single definition; the Arrow, Spark and Athena schemas are generated from it.
 * (The sessions row, in sessions.ts, is declared with the same column model.)
 * Append new columns at the end and make them nullable: old Parquet files must stay readable.
 */
export const STORAGE_SCHEMA_VERSION = 1;

export type ColumnType = "string" | "int32" | "double" | "boolean" | "timestamp_ms";

export interface ColumnDefinition {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly doc: string;
}

/** A column with its literal name, type and nullability kept in the type, so row types can be derived. */
export const column = <const Name extends string, const Type extends ColumnType, const Nullable extends boolean>(
  name: Name,
  type: Type,
  nullable: Nullable,
  doc: string,
) => ({ name, type, nullable, doc }) as const;

export const storageColumns = [
  column("event_id", "string", false, "Segment messageId; unique per event, the dedup key."),
  column("event_type", "string", false, "track | page | screen | identify | group | alias."),
  column("event_name", "string", true, "Track event name (e.g. Order Completed) or page/screen name."),
  column("anonymous_id", "string", true, "First-party anonymous id of the device/browser."),
  column("user_id", "string", true, "Known user id after identify."),
  column("session_id", "string", true, "The SDK's session id (a hint; Spark sessionizes by time gaps)."),
  column("session_seq", "int32", true, "Per-session sequence number set by the SDK, for gap detection."),
  column("event_ts", "timestamp_ms", false, "Event time: client timestamp corrected for clock skew (UTC)."),
  column("client_ts", "timestamp_ms", true, "Client timestamp as sent."),
  column("sent_at", "timestamp_ms", true, "When the client sent the batch, by its clock."),
  column("received_at", "timestamp_ms", false, "When the collector received the event (UTC)."),
  column("page_url", "string", true, "context.page.url."),
  column("page_path", "string", true, "context.page.path."),
  column("page_referrer", "string", true, "context.page.referrer."),
  column("page_title", "string", true, "context.page.title."),
  column("page_search", "string", true, "context.page.search (query string)."),
  column("utm_source", "string", true, "context.campaign.source."),
  column("utm_medium", "string", true, "context.campaign.medium."),
  column("utm_campaign", "string", true, "context.campaign.name."),
  column("utm_term", "string", true, "context.campaign.term."),
  column("utm_content", "string", true, "context.campaign.content."),
  column("locale", "string", true, "context.locale."),
  column("timezone", "string", true, "context.timezone."),
  column("user_agent", "string", true, "context.userAgent."),
  column("ua_browser", "string", true, "Browser family parsed from the user agent."),
  column("ua_browser_version", "string", true, "Browser major version."),
  column("ua_os", "string", true, "Operating system family."),
  column("ua_device_type", "string", true, "desktop | mobile | tablet | bot | other."),
  column("is_bot", "boolean", true, "Crawler or bot by user agent."),
  column("ip_anonymized", "string", true, "Client IP with the last IPv4 octet / IPv6 bits past /48 zeroed."),
  column("library_name", "string", true, "context.library.name."),
  column("library_version", "string", true, "context.library.version."),
  column("source_id", "string", true, "Source the write key belongs to."),
  column("product_id", "string", true, "properties.product_id of product events."),
  column("product_sku", "string", true, "properties.sku of product events."),
  column("product_category", "string", true, "properties.category of product events."),
  column("quantity", "int32", true, "properties.quantity of product events."),
  column("order_id", "string", true, "properties.order_id of checkout and order events."),
  column("checkout_id", "string", true, "properties.checkout_id."),
  column("revenue", "double", true, "properties.revenue (else total) of Order Completed/Refunded; refunds negative."),
  column("currency", "string", true, "ISO 4217 code, upper case."),
  column("properties_json", "string", true, "The whole properties object as JSON text."),
  column("traits_json", "string", true, "The whole traits object as JSON text."),
  column("context_json", "string", true, "The whole context object as JSON text (raw IP removed)."),
  column("schema_version", "int32", false, "Version of this storage row layout."),
] as const satisfies readonly ColumnDefinition[];

/** A Hive-style partition column: in the object key (`dt=…/`), never inside the files. */
export type PartitionColumnDefinition = Omit<ColumnDefinition, "nullable">;

/** Hive-style partition columns: in the object key (dt=YYYY-MM-DD/hour=HH), not inside the files. */
export const partitionColumns = [
  { name: "dt", type: "string", doc: "UTC date of the partition time (see the sink's partition rule)." },
  { name: "hour", type: "int32", doc: "UTC hour, 0-23." },
] as const satisfies readonly PartitionColumnDefinition[];

/** A table of the lake: its name (the folder under the lake root), file columns and partition columns. */
export interface LakeTable {
  readonly name: string;
  /** Columns stored inside the Parquet files, in file order. */
  readonly columns: readonly ColumnDefinition[];
  /** Partition columns, in key order (`dt=…/hour=…/`). */
  readonly partitions: readonly PartitionColumnDefinition[];
}

/** The events table the S3 sink writes: one storage row per event. */
export const eventsLakeTable = {
  name: "events",
  columns: storageColumns,
  partitions: partitionColumns,
} as const satisfies LakeTable;

type TsType<T extends ColumnType> = T extends "string"
  ? string
  : T extends "boolean"
    ? boolean
    : number; /* int32, double, and timestamp_ms as epoch milliseconds */

/** The plain-values row of a column list; timestamps are epoch milliseconds (UTC). */
export type RowOf<Columns extends readonly ColumnDefinition[]> = {
  [C in Columns[number] as C["name"]]: C["nullable"] extends true ? TsType<C["type"]> | null : TsType<C["type"]>;
};

/** A storage row as plain values; timestamps are epoch milliseconds (UTC). */
export type StorageRow = RowOf<typeof storageColumns>;
export type StorageColumnName = (typeof storageColumns)[number]["name"];
