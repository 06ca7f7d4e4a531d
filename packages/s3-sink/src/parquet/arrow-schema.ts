import { type ColumnDefinition, type ColumnType, columnTypes, STORAGE_SCHEMA_VERSION } from "@shop/event-schema";
import { Bool, type DataType, Field, Float64, Int32, Schema, TimestampMillisecond, Utf8 } from "apache-arrow";
import { contractLayout } from "../columnar/layout.js";
import { STORAGE_SCHEMA_VERSION_KEY } from "./sink-file.js";

export { STORAGE_SCHEMA_VERSION_KEY };

/** The contract's Arrow spelling of each column type, as apache-arrow classes. */
const arrowTypes: Record<(typeof columnTypes)[ColumnType]["arrow"], () => DataType> = {
  Utf8: () => new Utf8(),
  Int32: () => new Int32(),
  Float64: () => new Float64(),
  Bool: () => new Bool(),
  // "UTC" makes Parquet mark timestamps isAdjustedToUTC, so Spark and Athena read instants.
  "TimestampMillisecond(UTC)": () => new TimestampMillisecond("UTC"),
};

export const arrowTypeOf = (type: ColumnType): DataType => arrowTypes[columnTypes[type].arrow]();

/**
 * Built from the layout's columns alone: the order, names and nullability of the Parquet files follow
 * it. Column docs stay out: they would be copied into every file's footer (~4.7 KB of 14 KB for a
 * small file) and the Athena DDL and Spark schema already carry them.
 */
export function storageArrowSchema(columns: readonly ColumnDefinition[] = contractLayout.columns): Schema {
  return new Schema(
    columns.map((c) => new Field(c.name, arrowTypeOf(c.type), c.nullable)),
    new Map([[STORAGE_SCHEMA_VERSION_KEY, String(STORAGE_SCHEMA_VERSION)]]),
  );
}
