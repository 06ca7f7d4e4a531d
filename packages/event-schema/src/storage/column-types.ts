/**
 * The lake's column types and how every engine spells each one. The sink's Arrow schema and Parquet
 * writer, the Spark StructTypes, the Athena DDL and the local DuckDB views all read this table: a new
 * type, or a changed spelling, is a change here only.
 */

export interface ParquetType {
  /** Parquet's physical type (parquet.thrift `Type`). */
  readonly physical: "BOOLEAN" | "INT32" | "INT64" | "DOUBLE" | "BYTE_ARRAY";
  /** The logical type annotation, when there is one. */
  readonly logical?:
    | { readonly type: "STRING" }
    | { readonly type: "TIMESTAMP"; readonly unit: "MILLIS"; readonly adjustedToUtc: true };
}

export interface ColumnTypeSpelling {
  /** apache-arrow's DataType (timestamps carry the "UTC" zone so readers see instants). */
  readonly arrow: "Utf8" | "Int32" | "Float64" | "Bool" | "TimestampMillisecond(UTC)";
  readonly parquet: ParquetType;
  /** Spark SQL's type name, as StructType JSON spells it. */
  readonly spark: "string" | "integer" | "double" | "boolean" | "timestamp";
  /** Athena (Trino) DDL type. */
  readonly athena: "string" | "int" | "double" | "boolean" | "timestamp";
  /** DuckDB's type that reads like Athena's (timestamps as naive UTC). */
  readonly duckdb: "VARCHAR" | "INTEGER" | "DOUBLE" | "BOOLEAN" | "TIMESTAMP";
}

export const columnTypes = {
  string: {
    arrow: "Utf8",
    parquet: { physical: "BYTE_ARRAY", logical: { type: "STRING" } },
    spark: "string",
    athena: "string",
    duckdb: "VARCHAR",
  },
  int32: { arrow: "Int32", parquet: { physical: "INT32" }, spark: "integer", athena: "int", duckdb: "INTEGER" },
  double: { arrow: "Float64", parquet: { physical: "DOUBLE" }, spark: "double", athena: "double", duckdb: "DOUBLE" },
  boolean: { arrow: "Bool", parquet: { physical: "BOOLEAN" }, spark: "boolean", athena: "boolean", duckdb: "BOOLEAN" },
  timestamp_ms: {
    arrow: "TimestampMillisecond(UTC)",
    parquet: { physical: "INT64", logical: { type: "TIMESTAMP", unit: "MILLIS", adjustedToUtc: true } },
    spark: "timestamp",
    athena: "timestamp",
    duckdb: "TIMESTAMP",
  },
} as const satisfies Record<string, ColumnTypeSpelling>;

export type ColumnType = keyof typeof columnTypes;
