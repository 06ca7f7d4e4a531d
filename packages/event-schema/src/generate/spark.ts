import type { ColumnType, LakeTable } from "../storage/columns.js";
import { GENERATED_NOTICE } from "./header.js";

const sparkType: Record<ColumnType, string> = {
  string: "string",
  int32: "integer",
  double: "double",
  boolean: "boolean",
  timestamp_ms: "timestamp",
};

/**
 * Spark's StructType JSON (what `StructType.json()` prints) of a table's file columns, read in PySpark with
 * `StructType.fromJson`.
 */
export function sparkStructType(table: LakeTable): Record<string, unknown> {
  return {
    $comment: GENERATED_NOTICE,
    type: "struct",
    fields: table.columns.map((c) => ({
      name: c.name,
      type: sparkType[c.type],
      nullable: c.nullable,
      metadata: { comment: c.doc },
    })),
  };
}

/** A table's partition columns in key order; their values come from the path, so Spark reads them nullable. */
export function sparkPartitionColumns(table: LakeTable): Array<{ name: string; type: string }> {
  return table.partitions.map((c) => ({ name: c.name, type: sparkType[c.type] }));
}
