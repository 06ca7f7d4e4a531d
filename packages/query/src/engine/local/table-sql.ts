import { duckDbType, type TableDefinition } from "../../tables.js";

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
