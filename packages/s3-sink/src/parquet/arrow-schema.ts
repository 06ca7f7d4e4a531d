import { type ColumnType, STORAGE_SCHEMA_VERSION, storageColumns } from "@shop/event-schema";
import { Bool, type DataType, Field, Float64, Int32, Schema, TimestampMillisecond, Utf8 } from "apache-arrow";

import { STORAGE_SCHEMA_VERSION_KEY } from "./sink-file.js";

export { STORAGE_SCHEMA_VERSION_KEY };

/**
 * The contract's column types in Arrow. Timestamps carry the "UTC" zone so Parquet marks them
 * isAdjustedToUTC and Spark/Athena read them as instants, not wall-clock times.
 */
export function arrowTypeOf(type: ColumnType): DataType {
  switch (type) {
    case "string":
      return new Utf8();
    case "int32":
      return new Int32();
    case "double":
      return new Float64();
    case "boolean":
      return new Bool();
    case "timestamp_ms":
      return new TimestampMillisecond("UTC");
  }
}

/**
 * Built from `storageColumns` alone: the order, names and nullability of the Parquet files follow it.
 * Column docs stay out: they would be copied into every file's footer (~4.7 KB of 14 KB for a small
 * file) and the Athena DDL and Spark schema already carry them.
 */
export function storageArrowSchema(): Schema {
  return new Schema(
    storageColumns.map((c) => new Field(c.name, arrowTypeOf(c.type), c.nullable)),
    new Map([[STORAGE_SCHEMA_VERSION_KEY, String(STORAGE_SCHEMA_VERSION)]]),
  );
}
