import { DdlTemplateError } from "../errors.js";
import { validateDatabase } from "./athena.js";

/**
 * Athena's DDL, as the contract generates it and renderAthenaDdl() fills it in, turned into DDL that Trino's
 * Hive connector runs: the same columns, types, partitions, location and partition projection, in Trino's
 * syntax. It reads the statement rather than the contract, so what it proves on Trino is the DDL Athena gets.
 * Anything it does not know (a column type, a table property) fails instead of being dropped silently.
 *
 * The adaptations, each one listed in the package README ("Fidelity on Trino"):
 * - `CREATE EXTERNAL TABLE` with backquoted names → `CREATE TABLE` with double-quoted names, qualified by the
 *   catalog (Athena has one catalog, Glue; Trino names it);
 * - Hive type names → Trino's: string → varchar, int → integer, timestamp → timestamp(3) (Athena reads
 *   timestamps in milliseconds);
 * - `PARTITIONED BY (dt string, …)` → the partition columns appended to the column list (Trino wants them
 *   last) and `partitioned_by = ARRAY['dt', …]`;
 * - `STORED AS PARQUET` → `format = 'PARQUET'`; `LOCATION '…/'` → `external_location = '…/'`;
 * - TBLPROPERTIES `projection.enabled` → table property `partition_projection_enabled`,
 *   `storage.location.template` → `partition_projection_location_template`, and each
 *   `projection.<column>.<key>` → the column's property `partition_projection_<key>` (`interval.unit` →
 *   `interval_unit`; type and unit upper-cased; ranges as arrays). Trino stores these back as the same
 *   Athena keys in the metastore;
 * - TBLPROPERTIES `parquet.compression` is dropped: it only sets the codec of Athena's own writes, and
 *   Trino's Hive connector takes that from its catalog (`hive.compression-codec`);
 * - `CREATE OR REPLACE VIEW` statements run as they are, without the trailing semicolon;
 * - the OpenX JSON SerDe (`ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'`, text input) →
 *   `format = 'OPENX_JSON'`, Trino's reader of the same SerDe. Trino's CREATE TABLE cannot set SerDe
 *   properties, so a table whose `mapping.<column>` properties read a column from another JSON key
 *   (dead_letters: `received_at` from `receivedAt`) becomes two statements: the table `<name>_openx` with
 *   those columns named by their JSON keys (the SerDe matches keys without regard to case), and the view
 *   `<name>` that names them as the contract does.
 */
export interface TrinoDdlOptions {
  /** The Trino catalog of the Hive connector. @default "hive" */
  readonly catalog?: string;
  /**
   * Replaces a projected column's `range` (Athena's `start,end` text). For tests only: Athena's
   * `2024-01-01,NOW` makes a scan without a `dt` filter enumerate every day since 2024 (× 24 hours for
   * events), one listing each, which on the local S3 server takes minutes.
   */
  readonly projectionRanges?: Readonly<Record<string, string>>;
}

const HIVE_TO_TRINO_TYPE: Readonly<Record<string, string>> = {
  string: "varchar",
  int: "integer",
  bigint: "bigint",
  double: "double",
  boolean: "boolean",
  timestamp: "timestamp(3)",
};

// The Athena table properties Trino has no equivalent for, and why dropping them changes no read.
const DROPPED_PROPERTIES = new Set(["parquet.compression"]);

interface ParsedColumn {
  readonly name: string;
  readonly type: string;
  readonly comment?: string;
}

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const unquote = (literal: string) => literal.slice(1, -1).replaceAll("''", "'");

const STRING = "'(?:[^']|'')*'";
const COLUMN = new RegExp(String.raw`^\s*\`([a-z_][a-z0-9_]*)\`\s+([a-z]+)(?:\s+COMMENT\s+(${STRING}))?\s*,?\s*$`);
const HEAD = /^CREATE EXTERNAL TABLE IF NOT EXISTS `([a-z0-9_]+)`\.`([a-z0-9_]+)` \($/;
const PROPERTY = new RegExp(String.raw`^\s*(${STRING})\s*=\s*(${STRING})\s*,?\s*$`);

function parseColumn(line: string, table: string): ParsedColumn {
  const match = COLUMN.exec(line);
  if (!match) throw new DdlTemplateError(`${table}: cannot read the column definition ${JSON.stringify(line.trim())}`);
  const [, name, type, comment] = match as unknown as [string, string, string, string | undefined];
  return { name, type, ...(comment === undefined ? {} : { comment: unquote(comment) }) };
}

function trinoType(column: ParsedColumn, table: string): string {
  const type = HIVE_TO_TRINO_TYPE[column.type];
  if (type === undefined)
    throw new DdlTemplateError(`${table}.${column.name}: no Trino type for Athena type ${column.type}`);
  return type;
}

interface ParsedTable {
  readonly database: string;
  readonly name: string;
  readonly columns: readonly ParsedColumn[];
  readonly partitions: readonly ParsedColumn[];
  /** PARQUET, or OPENX_JSON for the OpenX JSON SerDe over text files. */
  readonly format: "PARQUET" | "OPENX_JSON";
  /** OpenX `mapping.<column>` SerDe properties: the JSON key a column is read from. */
  readonly keys: ReadonlyMap<string, string>;
  readonly location: string;
  readonly properties: ReadonlyMap<string, string>;
}

const OPENX_SERDE = "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'";
const TEXT_INPUT = "STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'";
const TEXT_OUTPUT = "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'";

/** The storage clauses after PARTITIONED BY: the format, the OpenX key mappings, and the lines after them. */
function parseStorage(
  name: string,
  lines: readonly string[],
): { format: ParsedTable["format"]; keys: Map<string, string>; rest: readonly string[] } {
  if (lines[0] === "STORED AS PARQUET") return { format: "PARQUET", keys: new Map(), rest: lines.slice(1) };
  if (lines[0] !== OPENX_SERDE) {
    throw new DdlTemplateError(
      `${name}: expected STORED AS PARQUET or the OpenX JSON SerDe, got ${JSON.stringify(lines[0])}`,
    );
  }
  const keys = new Map<string, string>();
  let next = 1;
  if (lines[1] === "WITH SERDEPROPERTIES (") {
    const close = lines.indexOf(")", 2);
    if (close < 0) throw new DdlTemplateError(`${name}: SERDEPROPERTIES has no closing line`);
    for (const line of lines.slice(2, close)) {
      const match = PROPERTY.exec(line);
      const key = match && unquote(match[1] as string);
      const column = key && /^mapping\.([a-z_][a-z0-9_]*)$/.exec(key)?.[1];
      if (!match || !column)
        throw new DdlTemplateError(`${name}: no Trino equivalent for the SerDe property ${line.trim()}`);
      keys.set(column, unquote(match[2] as string));
    }
    next = close + 1;
  }
  if (lines[next] !== TEXT_INPUT || lines[next + 1] !== TEXT_OUTPUT) {
    throw new DdlTemplateError(
      `${name}: the OpenX JSON SerDe over anything but text files: ${JSON.stringify(lines[next])}`,
    );
  }
  return { format: "OPENX_JSON", keys, rest: lines.slice(next + 2) };
}

/** Reads the generated `CREATE EXTERNAL TABLE` (with its placeholders filled in). */
export function parseAthenaTableDdl(sql: string): ParsedTable {
  const lines = sql.split("\n").filter((line) => !/^\s*--/.test(line) && line.trim() !== "");
  const head = HEAD.exec(lines[0] ?? "");
  if (!head) throw new DdlTemplateError(`not a generated CREATE EXTERNAL TABLE: ${JSON.stringify(lines[0] ?? "")}`);
  const [, database, name] = head as unknown as [string, string, string];
  const end = lines.indexOf(")");
  if (end < 0) throw new DdlTemplateError(`${name}: the column list has no closing line`);
  const columns = lines.slice(1, end).map((line) => parseColumn(line, name));
  const rest = lines.slice(end + 1);
  const partitionLine = /^PARTITIONED BY \((.*)\)$/.exec(rest[0] ?? "");
  const partitions = partitionLine
    ? (partitionLine[1] as string).split(",").map((part) => parseColumn(part, name))
    : [];
  const storage = parseStorage(name, partitionLine ? rest.slice(1) : rest);
  const tail = storage.rest;
  const location = new RegExp(`^LOCATION (${STRING});?$`).exec(tail[0] ?? "");
  if (!location) throw new DdlTemplateError(`${name}: expected LOCATION '…', got ${JSON.stringify(tail[0])}`);
  const properties = new Map<string, string>();
  if (tail[1] !== undefined) {
    if (tail[1] !== "TBLPROPERTIES (") throw new DdlTemplateError(`${name}: unexpected ${JSON.stringify(tail[1])}`);
    const close = tail.indexOf(");");
    if (close < 0) throw new DdlTemplateError(`${name}: TBLPROPERTIES has no closing line`);
    for (const line of tail.slice(2, close)) {
      const match = PROPERTY.exec(line);
      if (!match) throw new DdlTemplateError(`${name}: cannot read the table property ${JSON.stringify(line.trim())}`);
      properties.set(unquote(match[1] as string), unquote(match[2] as string));
    }
    if (tail.length > close + 1) throw new DdlTemplateError(`${name}: unexpected text after TBLPROPERTIES`);
  }
  return {
    database,
    name,
    columns,
    partitions,
    format: storage.format,
    keys: storage.keys,
    location: unquote(location[1] as string),
    properties,
  };
}

// projection.<column>.<key> → the Trino column property, and how its value is written.
const COLUMN_PROJECTION: Readonly<Record<string, { property: string; value: (v: string) => string }>> = {
  type: { property: "partition_projection_type", value: (v) => sqlString(v.toUpperCase()) },
  format: { property: "partition_projection_format", value: sqlString },
  range: {
    property: "partition_projection_range",
    value: (v) =>
      `ARRAY[${v
        .split(",")
        .map((part) => sqlString(part.trim()))
        .join(", ")}]`,
  },
  values: {
    property: "partition_projection_values",
    value: (v) =>
      `ARRAY[${v
        .split(",")
        .map((part) => sqlString(part.trim()))
        .join(", ")}]`,
  },
  interval: { property: "partition_projection_interval", value: (v) => String(Number.parseInt(v, 10)) },
  "interval.unit": { property: "partition_projection_interval_unit", value: (v) => sqlString(v.toUpperCase()) },
  digits: { property: "partition_projection_digits", value: (v) => String(Number.parseInt(v, 10)) },
};

const INTEGER_VALUE = /^\d+$/;

/**
 * Trino's statements for one generated Athena `CREATE EXTERNAL TABLE`: its `CREATE TABLE`, or for a JSON
 * table that reads columns from other keys, the table under `<name>_openx` and the view `<name>`.
 */
export function athenaTableToTrinoStatements(
  sql: string,
  options: TrinoDdlOptions = {},
): { name: string; sql: string }[] {
  const catalog = validateDatabase(options.catalog ?? "hive");
  const table = parseAthenaTableDdl(sql);
  if (table.keys.size === 0) return [{ name: table.name, sql: createTable(catalog, table, table.name, options) }];
  const stored = `${table.name}_openx`;
  const asStored = { ...table, columns: table.columns.map((c) => ({ ...c, name: table.keys.get(c.name) ?? c.name })) };
  const select = [...table.columns, ...table.partitions]
    .map((c) => {
      const key = table.keys.get(c.name);
      // Trino names every column in lower case; the SerDe still matches the JSON key in any case.
      return key === undefined ? ident(c.name) : `${ident(key.toLowerCase())} AS ${ident(c.name)}`;
    })
    .join(", ");
  const qualified = (name: string) => `${ident(catalog)}.${ident(table.database)}.${ident(name)}`;
  return [
    { name: stored, sql: createTable(catalog, asStored, stored, options) },
    {
      name: table.name,
      sql: `CREATE OR REPLACE VIEW ${qualified(table.name)} AS\nSELECT ${select}\nFROM ${qualified(stored)}`,
    },
  ];
}

/** Trino `CREATE TABLE` for one generated Athena `CREATE EXTERNAL TABLE` that maps no column to another key. */
export function athenaTableToTrino(sql: string, options: TrinoDdlOptions = {}): string {
  const statements = athenaTableToTrinoStatements(sql, options);
  if (statements.length !== 1) {
    throw new DdlTemplateError(
      `${statements[1]?.name}: reads columns from other JSON keys: use athenaTableToTrinoStatements`,
    );
  }
  return (statements[0] as { sql: string }).sql;
}

function createTable(catalog: string, table: ParsedTable, name: string, options: TrinoDdlOptions): string {
  const tableProperties: string[] = [
    `external_location = ${sqlString(table.location)}`,
    `format = ${sqlString(table.format)}`,
  ];
  if (table.partitions.length > 0) {
    tableProperties.push(`partitioned_by = ARRAY[${table.partitions.map((p) => sqlString(p.name)).join(", ")}]`);
  }
  const columnProperties = new Map<string, string[]>();
  for (const [key, value] of table.properties) {
    if (DROPPED_PROPERTIES.has(key)) continue;
    if (key === "projection.enabled") {
      if (value !== "true" && value !== "false")
        throw new DdlTemplateError(`${table.name}: projection.enabled = ${value}`);
      tableProperties.push(`partition_projection_enabled = ${value}`);
      continue;
    }
    if (key === "storage.location.template") {
      tableProperties.push(`partition_projection_location_template = ${sqlString(value)}`);
      continue;
    }
    const projection = /^projection\.([a-z_][a-z0-9_]*)\.(.+)$/.exec(key);
    const column = projection?.[1];
    const rule = projection ? COLUMN_PROJECTION[projection[2] as string] : undefined;
    if (!column || !rule)
      throw new DdlTemplateError(`${table.name}: no Trino equivalent for the table property ${key}`);
    if (!table.partitions.some((p) => p.name === column)) {
      throw new DdlTemplateError(`${table.name}: ${key} projects ${column}, which is not a partition column`);
    }
    if ((projection?.[2] === "interval" || projection?.[2] === "digits") && !INTEGER_VALUE.test(value)) {
      throw new DdlTemplateError(`${table.name}: ${key} = ${value} is not an integer`);
    }
    const effective = projection?.[2] === "range" ? (options.projectionRanges?.[column] ?? value) : value;
    columnProperties.set(column, [
      ...(columnProperties.get(column) ?? []),
      `${rule.property} = ${rule.value(effective)}`,
    ]);
  }
  const columnLine = (column: ParsedColumn) => {
    const properties = columnProperties.get(column.name);
    return [
      `  ${ident(column.name)} ${trinoType(column, table.name)}`,
      column.comment === undefined ? "" : ` COMMENT ${sqlString(column.comment)}`,
      properties ? ` WITH (${properties.join(", ")})` : "",
    ].join("");
  };
  return `CREATE TABLE IF NOT EXISTS ${ident(catalog)}.${ident(table.database)}.${ident(name)} (
${[...table.columns, ...table.partitions].map(columnLine).join(",\n")}
)
WITH (
  ${tableProperties.join(",\n  ")}
)`;
}

/** One statement of renderAthenaDdl() as Trino runs it: tables adapted (one or two statements), views as they are. */
export function athenaStatementToTrino(
  statement: { readonly name: string; readonly sql: string },
  options: TrinoDdlOptions = {},
): { name: string; sql: string }[] {
  const body = statement.sql.replace(/^(\s*--[^\n]*\n)+/, "").trim();
  if (body.startsWith("CREATE EXTERNAL TABLE")) return athenaTableToTrinoStatements(statement.sql, options);
  if (body.startsWith("CREATE OR REPLACE VIEW")) return [{ name: statement.name, sql: body.replace(/;\s*$/, "") }];
  throw new DdlTemplateError(`no Trino adaptation for ${JSON.stringify(body.slice(0, 40))}`);
}

/**
 * Everything to create the lake's database on Trino from renderAthenaDdl()'s statements: the schema (Athena
 * assumes its Glue database exists), then each statement adapted, in the same order. Run them, as on Athena,
 * with the database as the session's schema: the views name their tables unqualified.
 */
export function renderTrinoDdl(
  statements: readonly { readonly name: string; readonly sql: string }[],
  target: { readonly database: string } & TrinoDdlOptions,
): { name: string; sql: string }[] {
  const catalog = validateDatabase(target.catalog ?? "hive");
  const database = validateDatabase(target.database);
  return [
    { name: database, sql: `CREATE SCHEMA IF NOT EXISTS ${ident(catalog)}.${ident(database)}` },
    ...statements.flatMap((statement) => athenaStatementToTrino(statement, target)),
  ];
}
