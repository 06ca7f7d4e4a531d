import type { ColumnType } from "@shop/event-schema";
import { duckDbType, jsonKey, type TableDefinition, tableFormat } from "../../tables.js";

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
export const quoteString = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** The read that lists the columns actually present in a set of files (schema evolution check). */
export function describeFilesSql(files: readonly string[]): string {
  return `DESCRIBE SELECT * FROM read_parquet([${files.map(quoteString).join(", ")}], union_by_name = true)`;
}

/**
 * The DuckDB view standing in for an Athena table over the same files. It selects the declared columns,
 * cast to the declared types, like Athena reads Parquet by the table's schema:
 * - timestamps become naive TIMESTAMP (UTC, the session time zone), whether a writer flagged them
 *   adjusted-to-UTC (DuckDB would read TIMESTAMPTZ) or not;
 * - a declared column no file has yet (a column appended to the contract later) reads as NULL;
 * - file columns the table does not declare are not visible;
 * - partition columns come from the key with fixed types (dt VARCHAR, hour INTEGER), not inferred
 *   ones (DuckDB would make dt a DATE).
 * With no files, the view is empty but keeps its columns and types, as a table over an empty prefix does.
 */
export function tableViewSql(
  table: TableDefinition<string>,
  files: readonly string[],
  presentColumns: ReadonlySet<string>,
): string {
  if (tableFormat(table) === "json_lines" && files.length > 0) return jsonLinesViewSql(table, files);
  const dataColumns = table.columns.map((c) => {
    const type = duckDbType(c.type);
    const source = files.length > 0 && presentColumns.has(c.name) ? quoteIdent(c.name) : "NULL";
    return `CAST(${source} AS ${type}) AS ${quoteIdent(c.name)}`;
  });
  const partitionColumns = table.partitions.map((c) =>
    files.length > 0 ? quoteIdent(c.name) : `CAST(NULL AS ${duckDbType(c.type)}) AS ${quoteIdent(c.name)}`,
  );
  const select = [...dataColumns, ...partitionColumns].join(",\n  ");
  if (files.length === 0) return `CREATE OR REPLACE VIEW ${quoteIdent(table.name)} AS SELECT\n  ${select}\nWHERE false`;
  const hiveTypes = table.partitions.map((c) => `${quoteString(c.name)}: ${duckDbType(c.type)}`).join(", ");
  return `CREATE OR REPLACE VIEW ${quoteIdent(table.name)} AS SELECT
  ${select}
FROM read_parquet(
  [${files.map(quoteString).join(",\n   ")}],
  hive_partitioning = true,
  hive_types = {${hiveTypes}},
  union_by_name = true
)`;
}

// ── JSON Lines (the dead letters), read as Athena's OpenX JSON SerDe reads them ────────────────────────

const LINE = quoteIdent("$line");
const PATH = quoteIdent("$path");

/**
 * The value of a JSON key in the line's object. OpenX matches keys case-insensitively and keeps the last
 * of duplicates; a JSON pointer (`~` and `/` escaped) reaches any key name.
 */
function keyValueSql(key: string): string {
  const found = `list_filter(json_keys(${LINE}), lambda k: lower(k) = ${quoteString(key.toLowerCase())})[-1]`;
  return `json_extract(${LINE}, '/' || replace(replace(${found}, '~', '~0'), '/', '~1'))`;
}

/**
 * A JSON value as the OpenX SerDe gives it to a string column (by Trino's openxjson reader: Athena engine
 * 3 is Trino): a string as itself, unquoted; an object or array as compact JSON in the file's key
 * order; a number canonical (`1E+21`, as Java's BigDecimal prints it); JSON null as NULL. DuckDB's
 * compact JSON differs from the SerDe's in two spellings, put right here: control characters are
 * escaped with lowercase hex (`\u001f`), and `</` is escaped (`<\/`). Backslash pairs are parked as NUL
 * (which compact JSON never holds raw) while the escapes are rewritten, so an escaped backslash before
 * `u001F` is left alone.
 */
function jsonTextSql(value: string): string {
  const upperHexEscapes = ["000B", "000E", "000F", "001A", "001B", "001C", "001D", "001E", "001F"];
  let compact = `replace(CAST(${value} AS VARCHAR), '\\\\', chr(0))`;
  for (const hex of upperHexEscapes) compact = `replace(${compact}, '\\u${hex}', '\\u${hex.toLowerCase()}')`;
  compact = `replace(replace(${compact}, chr(0), '\\\\'), '</', '<\\/')`;
  const canonicalNumber = `replace(regexp_replace(CAST(${value} AS VARCHAR), 'e([0-9])', 'E+\\1'), 'e-', 'E-')`;
  return `CASE json_type(${value})
    WHEN 'NULL' THEN NULL
    WHEN 'VARCHAR' THEN ${value} ->> '$'
    WHEN 'OBJECT' THEN ${compact}
    WHEN 'ARRAY' THEN ${compact}
    ELSE ${canonicalNumber} END`;
}

/**
 * A JSON value read as a column of the contract's type, by the SerDe's rules: numbers from a number or a
 * numeric string (an integer column truncates, out of range is NULL), booleans true only for `true` in
 * any case, timestamps from ISO-8601 text (an offset converted to UTC) or epoch seconds (up to 12 digits)
 * or milliseconds (13 or more). What does not read as the type is NULL.
 */
function typedValueSql(type: ColumnType, value: string): string {
  const text = jsonTextSql(value);
  switch (type) {
    case "string":
      return text;
    case "int32":
      return `TRY_CAST(trunc(TRY_CAST(${text} AS DOUBLE)) AS INTEGER)`;
    case "double":
      return `TRY_CAST(${text} AS DOUBLE)`;
    case "boolean":
      return `CASE WHEN ${value} IS NULL OR json_type(${value}) = 'NULL' THEN NULL ELSE lower(${text}) = 'true' END`;
    case "timestamp_ms":
      return `(SELECT CASE
      WHEN regexp_full_match(t, '[+-]?[0-9]+\\.[0-9]+') THEN TRY(make_timestamp(CAST(CAST(t AS DECIMAL(38, 6)) * 1000000 AS BIGINT)))
      WHEN regexp_full_match(t, '[+-]?[0-9]+') AND length(t) >= 13 THEN TRY(epoch_ms(CAST(t AS BIGINT)))
      WHEN regexp_full_match(t, '[+-]?[0-9]+') THEN TRY(make_timestamp(CAST(t AS BIGINT) * 1000000))
      ELSE CAST(TRY_CAST(t AS TIMESTAMPTZ) AS TIMESTAMP) END FROM (SELECT ${text} AS t))`;
  }
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The view over a JSON Lines table's files: every line's object, each column from its JSON key (the
 * contract's `storage.keys`, else its name) read as the SerDe reads it, and the partition columns from
 * the file's path (`<stage>/dt=…/hour=…/`) with their declared types.
 */
export function jsonLinesViewSql(table: TableDefinition<string>, files: readonly string[]): string {
  const values = table.columns.map((c) => `${keyValueSql(jsonKey(table, c.name))} AS ${quoteIdent(c.name)}`);
  const typed = table.columns.map(
    (c) => `CAST(${typedValueSql(c.type, quoteIdent(c.name))} AS ${duckDbType(c.type)}) AS ${quoteIdent(c.name)}`,
  );
  const segments = table.partitions.map((p) => (p.inKey === "value" ? "([^/]+)" : `${escapeRegex(p.name)}=([^/]+)`));
  const pathPattern = quoteString(`/${segments.join("/")}/[^/]+$`);
  const partitions = table.partitions.map(
    (p, i) =>
      `CAST(regexp_extract(${PATH}, ${pathPattern}, ${i + 1}) AS ${duckDbType(p.type)}) AS ${quoteIdent(p.name)}`,
  );
  return `CREATE OR REPLACE VIEW ${quoteIdent(table.name)} AS
WITH "$lines" AS (
  SELECT "json" AS ${LINE}, "filename" AS ${PATH}
  FROM read_json_objects(
    [${files.map(quoteString).join(",\n     ")}],
    format = 'newline_delimited',
    filename = true,
    hive_partitioning = false
  )
), "$values" AS (
  SELECT
    ${[...values, PATH].join(",\n    ")}
  FROM "$lines"
)
SELECT
  ${[...typed, ...partitions].join(",\n  ")}
FROM "$values"`;
}
