import { columnTypes, type LakeTable } from "../storage/columns.js";
import { GENERATED_NOTICE } from "./header.js";

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
      type: columnTypes[c.type].spark,
      nullable: c.nullable,
      metadata: { comment: c.doc },
    })),
  };
}

/** A table's partition columns in key order; their values come from the path, so Spark reads them nullable. */
export function sparkPartitionColumns(table: LakeTable): Array<{ name: string; type: string }> {
  return table.partitions.map((c) => ({ name: c.name, type: columnTypes[c.type].spark }));
}
