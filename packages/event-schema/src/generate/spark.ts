import { type ColumnType, partitionColumns, storageColumns } from "../storage/columns.js";
import { GENERATED_NOTICE } from "./header.js";

const sparkType: Record<ColumnType, string> = {
  string: "string",
  int32: "integer",
  double: "double",
  boolean: "boolean",
  timestamp_ms: "timestamp",
};

/** Spark's StructType JSON (what `StructType.json()` prints), read in PySpark with `StructType.fromJson`. */
export function sparkStructType(): Record<string, unknown> {
  return {
    $comment: GENERATED_NOTICE,
    type: "struct",
    fields: storageColumns.map((c) => ({
      name: c.name,
      type: sparkType[c.type],
      nullable: c.nullable,
      metadata: { comment: c.doc },
    })),
  };
}

export function sparkPartitionColumns(): Array<{ name: string; type: string }> {
  return partitionColumns.map((c) => ({ name: c.name, type: sparkType[c.type] }));
}
