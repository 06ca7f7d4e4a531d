/** Positional parameters for `?` placeholders; Athena's execution parameters are positional too. */
export type QueryParam = string | number | boolean | bigint | null;

export type Row = Record<string, unknown>;

/**
 * What the summary, the CLI and the views need from an engine: tables `events` and `sessions` (with the
 * partition columns dt VARCHAR and, for events, hour INTEGER) and the views of sql/views.
 *
 * Rows are plain JS values, the same from every engine: integers as numbers (bigint only beyond 2^53),
 * DOUBLE as number, BOOLEAN as boolean, DATE as `YYYY-MM-DD`, TIMESTAMP as ISO-8601 UTC with milliseconds
 * (`2026-11-28T10:00:00.000Z`), NULL as null.
 *
 * Implemented by the local DuckDB engine. The Athena adapter (StartQueryExecution → GetQueryResults)
 * implements it later, converting Athena's text results by the column metadata.
 */
/** The SQL an engine runs: Athena's (Athena itself, and Trino, which is its engine) or DuckDB's. */
export type SqlDialect = "athena" | "duckdb";

export interface QueryEngine {
  /**
   * Which form of a catalogue question to run here. @default "athena" (an engine that does not say runs
   * Athena's SQL, as Athena and Trino do)
   */
  readonly sqlDialect?: SqlDialect;
  /** Runs exactly one read-only statement. Rejects with a {@link SqlError} on bad SQL. */
  query<T extends Row = Row>(sql: string, params?: readonly QueryParam[]): Promise<T[]>;
  close(): Promise<void>;
}
