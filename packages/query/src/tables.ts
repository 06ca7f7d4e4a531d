import { type ColumnType, columnTypes, type LakeTable, type LakeTableName, lakeTables } from "@shop/event-schema";

/** A lake column as the query layer sees it: the contract's name and type (spellings from its type table). */
export interface TableColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly doc?: string;
}

/** The lake's tables, as the contract names them. */
export type TableName = LakeTableName;

/** A partition column: in the object key, never inside the files. */
export interface PartitionColumn extends TableColumn {
  /** `name=value` (Hive-style), or the bare value as a folder (the dead letters' stage). @default "name=value" */
  readonly inKey?: "name=value" | "value";
  /** Every value the column may take, when the contract enumerates them: objects under another are skipped. */
  readonly values?: readonly string[];
}

/** How a table's objects are written: Parquet, or JSON Lines whose keys may differ from the column names. */
export type TableStorage =
  | { readonly format: "parquet" }
  | { readonly format: "json_lines"; readonly keys?: Readonly<Record<string, string>> };

export interface TableDefinition<Name extends string = TableName> {
  readonly name: Name;
  /** The folder under the lake root (the contract's `folder`, else the name). */
  readonly folder?: string;
  /** @default { format: "parquet" } */
  readonly storage?: TableStorage;
  /** Columns stored inside the files, in file order. */
  readonly columns: readonly TableColumn[];
  /** Partition columns, in key order (`dt=…/hour=…/`), never inside the files. */
  readonly partitions: readonly PartitionColumn[];
}

/** A lake table of the contract as the query layer reads it (a test may pass a table of its own). */
export const fromContractTable = <Name extends string = TableName>(
  table: LakeTable & { readonly name: Name },
): TableDefinition<Name> => ({
  name: table.name,
  folder: table.folder ?? table.name,
  storage: table.storage ?? { format: "parquet" },
  columns: table.columns.map((c) => ({ name: c.name, type: c.type, doc: c.doc })),
  partitions: table.partitions.map((c) => ({
    name: c.name,
    type: c.type,
    doc: c.doc,
    ...(c.inKey ? { inKey: c.inKey } : {}),
    ...(c.values ? { values: c.values } : {}),
  })),
});

/** The table's folder under the lake root. */
export const tableFolder = (table: TableDefinition<string>): string => table.folder ?? table.name;

/** The table's storage format. */
export const tableFormat = (table: TableDefinition<string>): TableStorage["format"] =>
  table.storage?.format ?? "parquet";

/**
 * The JSON key a column is read from: the contract's `storage.keys` entry, else the column's name. Only
 * JSON Lines tables have keys.
 */
export const jsonKey = (table: TableDefinition<string>, column: string): string =>
  (table.storage?.format === "json_lines" ? table.storage.keys?.[column] : undefined) ?? column;

/**
 * Every table of the contract's lake (the events the S3 sink writes, the sessions and fraud alerts the
 * Spark jobs write, the dead letters as JSON Lines), in the contract's order: a table the contract adds
 * is served here without a change.
 */
export const tables: readonly TableDefinition[] = lakeTables.map((table) => fromContractTable(table));

const tableNamed = (name: TableName): TableDefinition => tables.find((t) => t.name === name) as TableDefinition;

/** Written by the S3 sink: the contract's storage row, partitioned by dt and hour. */
export const eventsTable = tableNamed("events");

/** Written by the PySpark sessionization job (packages/processing-jobs): the contract's sessions row, by dt. */
export const sessionsTable = tableNamed("sessions");

/**
 * The partition values Athena's projection enumerates (`yyyy-MM-dd` days, 2-digit hours). Objects under
 * any other key are invisible to Athena, so the local engine skips them too.
 */
export const partitionValuePattern: Readonly<Record<string, RegExp>> = {
  dt: /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/,
  hour: /^(?:[01]\d|2[0-3])$/,
};

/** Athena's DDL spelling of a type (`string`, `int`, …), as the Glue catalog also reports it. */
export const athenaType = (type: ColumnType): string => columnTypes[type].athena;

/** DuckDB's type that gives the same results as Athena's declared type (the contract's type table). */
export const duckDbType = (type: ColumnType): string => columnTypes[type].duckdb;
