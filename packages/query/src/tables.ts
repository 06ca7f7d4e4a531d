import { type ColumnType, partitionColumns, storageColumns } from "@shop/event-schema";

/** Column types the lake tables use, mapped to each engine's spelling in one place below. */
export type SqlType = "string" | "int32" | "int64" | "double" | "boolean" | "timestamp";

export interface TableColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly doc?: string;
}

export type TableName = "events" | "sessions";

export interface TableDefinition {
  readonly name: TableName;
  /** Columns stored inside the Parquet files, in file order. */
  readonly columns: readonly TableColumn[];
  /** Hive-style partition columns, in key order (`dt=…/hour=…/`), never inside the files. */
  readonly partitions: readonly TableColumn[];
}

const fromContract: Record<ColumnType, SqlType> = {
  string: "string",
  int32: "int32",
  double: "double",
  boolean: "boolean",
  timestamp_ms: "timestamp",
};

export const eventsTable: TableDefinition = {
  name: "events",
  columns: storageColumns.map((c) => ({ name: c.name, type: fromContract[c.type], doc: c.doc })),
  partitions: partitionColumns.map((c) => ({ name: c.name, type: fromContract[c.type], doc: c.doc })),
};

/**
 * Written by the PySpark sessionization job (packages/processing-jobs, SESSIONS_SCHEMA in
 * transforms/sessions.py). There is no contract for it yet, so it is declared here, with that job's
 * types; it belongs in @shop/event-schema next to the events row (see README, follow-ups).
 */
export const sessionsTable: TableDefinition = {
  name: "sessions",
  columns: [
    { name: "session_id", type: "string", doc: "Session id assigned by the sessionization job." },
    { name: "anonymous_id", type: "string", doc: "Device/browser the session belongs to." },
    { name: "user_id", type: "string", doc: "Last known user id in the session." },
    { name: "session_start", type: "timestamp", doc: "Event time of the first event (UTC)." },
    { name: "session_end", type: "timestamp", doc: "Event time of the last event (UTC)." },
    { name: "duration_seconds", type: "double", doc: "session_end - session_start in seconds (fractional)." },
    { name: "event_count", type: "int32", doc: "Events in the session." },
    { name: "page_views", type: "int32", doc: "page and screen events in the session." },
    { name: "product_views", type: "int32", doc: "Product Viewed events in the session." },
    { name: "orders", type: "int32", doc: "Order Completed events in the session." },
    { name: "revenue", type: "double", doc: "Sum of order revenue in the session." },
    { name: "is_bounce", type: "boolean", doc: "Exactly one page view and no track event." },
    { name: "landing_page", type: "string", doc: "Path of the first page view." },
    { name: "utm_source", type: "string", doc: "Campaign source of the first event." },
    { name: "utm_medium", type: "string", doc: "Campaign medium of the first event." },
    { name: "utm_campaign", type: "string", doc: "Campaign name of the first event." },
  ],
  partitions: [{ name: "dt", type: "string", doc: "UTC date of session_start." }],
};

export const tables: readonly TableDefinition[] = [eventsTable, sessionsTable];

/**
 * The partition values Athena's projection enumerates (`yyyy-MM-dd` days, 2-digit hours). Objects under
 * any other key are invisible to Athena, so the local engine skips them too.
 */
export const partitionValuePattern: Readonly<Record<string, RegExp>> = {
  dt: /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/,
  hour: /^(?:[01]\d|2[0-3])$/,
};

export const athenaType: Record<SqlType, string> = {
  string: "string",
  int32: "int",
  int64: "bigint",
  double: "double",
  boolean: "boolean",
  timestamp: "timestamp",
};

/** DuckDB types that give the same results as Athena's declared types (naive UTC timestamps). */
export const duckDbType: Record<SqlType, string> = {
  string: "VARCHAR",
  int32: "INTEGER",
  int64: "BIGINT",
  double: "DOUBLE",
  boolean: "BOOLEAN",
  timestamp: "TIMESTAMP",
};
