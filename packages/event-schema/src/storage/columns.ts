import { type ColumnType, type ColumnTypeSpelling, columnTypes, type ParquetType } from "./column-types.js";
import {
  type Coercion,
  type ColumnMapping,
  coercions,
  STORAGE_SCHEMA_VERSION,
  type StorageMapping,
  storageMapping,
} from "./mapping.js";

export type { ColumnType, ColumnTypeSpelling, ParquetType };
export { columnTypes, STORAGE_SCHEMA_VERSION };

/**
 * A lake column: name, type, nullability and doc. The events table's columns come from the storage
 * mapping (mapping.ts); the sessions table declares its own (sessions.ts) with the same model.
 */
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

type ColumnOf<M> = M extends { readonly name: infer Name; readonly as: infer As extends Coercion }
  ? {
      readonly name: Name;
      readonly type: (typeof coercions)[As]["type"];
      readonly nullable: M extends { readonly required: true } ? false : true;
      readonly doc: string;
    }
  : never;

/** The columns of a storage mapping, in its order, with their literal names and types. */
export type ColumnsOf<Mapping extends StorageMapping> = { readonly [I in keyof Mapping]: ColumnOf<Mapping[I]> };

/** A mapping's columns: the type each coercion produces, nullable unless required. */
export function columnsOf<const Mapping extends StorageMapping>(mapping: Mapping): ColumnsOf<Mapping> {
  return mapping.map((m: ColumnMapping) => ({
    name: m.name,
    type: coercions[m.as].type,
    nullable: m.required !== true,
    doc: m.doc,
  })) as unknown as ColumnsOf<Mapping>;
}

/** The storage row's columns, in file order: one flat, typed row per event. */
export const storageColumns = columnsOf(storageMapping);

/**
 * A partition column: in the object key, never inside the files. Hive-style (`dt=…/`) unless `inKey` is
 * `"value"`: then the folder is the bare value (`sink/`), as the sink names dead-letter stages. `values`,
 * when set, is every value the column may take (Athena's projection enumerates them; readers skip others).
 */
export type PartitionColumnDefinition = Omit<ColumnDefinition, "nullable"> & {
  readonly inKey?: "name=value" | "value";
  readonly values?: readonly string[];
};

/** Hive-style partition columns: in the object key (dt=YYYY-MM-DD/hour=HH), not inside the files. */
export const partitionColumns = [
  { name: "dt", type: "string", doc: "UTC date of the partition time (see the sink's partition rule)." },
  { name: "hour", type: "int32", doc: "UTC hour, 0-23." },
] as const satisfies readonly PartitionColumnDefinition[];

/**
 * How a table's objects are written. Parquet by default; JSON Lines for dead letters, whose columns are
 * the JSON keys (`keys` names the JSON key of a column whose name differs, e.g. `received_at` ← `receivedAt`).
 */
export type LakeStorage =
  | { readonly format: "parquet" }
  | { readonly format: "json_lines"; readonly keys?: Readonly<Record<string, string>> };

/** A table of the lake: its name, file columns and partition columns, and where and how it is stored. */
export interface LakeTable {
  readonly name: string;
  /** The folder under the lake root. @default name */
  readonly folder?: string;
  /** @default { format: "parquet" } */
  readonly storage?: LakeStorage;
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
