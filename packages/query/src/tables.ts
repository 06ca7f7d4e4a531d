import {
  type ColumnType,
  eventsLakeTable,
  type LakeTable,
  type LakeTableName,
  sessionsLakeTable,
} from "@shop/event-schema";

/** Column types the lake tables use, mapped to DuckDB's spelling below (Athena DDL comes from the contract). */
export type SqlType = "string" | "int32" | "int64" | "double" | "boolean" | "timestamp";

export interface TableColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly doc?: string;
}

/** The lake's tables, as the contract names them. */
export type TableName = LakeTableName;

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

const fromContractTable = (table: LakeTable & { readonly name: TableName }): TableDefinition => ({
  name: table.name,
  columns: table.columns.map((c) => ({ name: c.name, type: fromContract[c.type], doc: c.doc })),
  partitions: table.partitions.map((c) => ({ name: c.name, type: fromContract[c.type], doc: c.doc })),
});

/** Written by the S3 sink: the contract's storage row, partitioned by dt and hour. */
export const eventsTable: TableDefinition = fromContractTable(eventsLakeTable);

/** Written by the PySpark sessionization job (packages/processing-jobs): the contract's sessions row, by dt. */
export const sessionsTable: TableDefinition = fromContractTable(sessionsLakeTable);

export const tables: readonly TableDefinition[] = [eventsTable, sessionsTable];

/**
 * The partition values Athena's projection enumerates (`yyyy-MM-dd` days, 2-digit hours). Objects under
 * any other key are invisible to Athena, so the local engine skips them too.
 */
export const partitionValuePattern: Readonly<Record<string, RegExp>> = {
  dt: /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/,
  hour: /^(?:[01]\d|2[0-3])$/,
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
