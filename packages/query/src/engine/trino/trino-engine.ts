import { ShopQueryError, SqlError } from "../../errors.js";
import type { QueryEngine, QueryParam, Row } from "../types.js";
import { runStatement } from "./client.js";
import type { TrinoConfig } from "./config.js";
import { rowConverter } from "./convert.js";
import { executeStatement, preparedStatementHeader } from "./literals.js";

export interface TrinoEngineOptions extends TrinoConfig {
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

export interface TrinoEngine extends QueryEngine {
  /**
   * Runs one statement of any kind (DDL included) and returns its rows, if any. For deploying tables and
   * views; analyst queries go through query(), which only runs reads.
   */
  execute<T extends Row = Row>(sql: string, params?: readonly QueryParam[]): Promise<T[]>;
}

const stripComments = (sql: string) => sql.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");

// The statements query() lets through, by their first keyword. A guard for the row contract's "read-only",
// not a sandbox: what a user may do on a shared Trino is the server's access control (Athena: IAM).
const READ_KEYWORDS = new Set(["select", "with", "values", "table", "show", "describe", "explain", "("]);

function readStatementProblem(sql: string): string | undefined {
  const text = stripComments(sql).trim().toLowerCase();
  const first = text.startsWith("(") ? "(" : (/^[a-z]+/.exec(text)?.[0] ?? "");
  if (!READ_KEYWORDS.has(first))
    return `only SELECT (incl. WITH, DESCRIBE, SHOW) and EXPLAIN run here, not ${first.toUpperCase() || "this"}`;
  // EXPLAIN ANALYZE runs the statement it explains.
  if (first === "explain" && /^explain\s+analyze\b/.test(text))
    return "EXPLAIN ANALYZE runs its statement; only EXPLAIN runs here";
  return undefined;
}

/**
 * QueryEngine over Trino's client REST protocol. `?` parameters are sent the way Trino's own JDBC driver
 * sends them: the SQL as a prepared statement in the X-Trino-Prepared-Statement header, executed with
 * `EXECUTE name USING <literals>`. Rows follow the engine-neutral row contract (see convert.ts).
 * The session time zone is UTC, as Athena's is.
 */
export function createTrinoEngine(options: TrinoEngineOptions): TrinoEngine {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let closed = false;
  const baseHeaders: Record<string, string> = {
    "X-Trino-User": options.user,
    "X-Trino-Catalog": options.catalog,
    "X-Trino-Time-Zone": "UTC",
    "X-Trino-Source": "shop-query",
    ...(options.schema === undefined ? {} : { "X-Trino-Schema": options.schema }),
  };

  const run = async <T extends Row>(sql: string, params: readonly QueryParam[]): Promise<T[]> => {
    if (closed) throw new ShopQueryError("ENGINE_CLOSED", "the engine is closed");
    const body = sql.trim().replace(/;\s*$/, "");
    if (stripComments(body).trim() === "") throw new SqlError("SQL_INVALID", "no SQL statement given");
    const headers =
      params.length === 0
        ? baseHeaders
        : { ...baseHeaders, "X-Trino-Prepared-Statement": preparedStatementHeader("shop_query_statement", body) };
    const rows: Row[] = [];
    let convert: ReturnType<typeof rowConverter> | undefined;
    await runStatement({
      url: options.url,
      sql: params.length === 0 ? body : executeStatement("shop_query_statement", params),
      headers,
      timeoutMs: options.timeoutMs,
      fetch: fetchImpl,
      onRows: (columns, data) => {
        convert ??= rowConverter(columns);
        rows.push(...convert(data));
      },
    });
    return rows as T[];
  };

  return {
    query: <T extends Row = Row>(sql: string, params: readonly QueryParam[] = []) => {
      const problem = readStatementProblem(sql);
      return problem ? Promise.reject(new SqlError("SQL_NOT_ALLOWED", problem)) : run<T>(sql, params);
    },
    execute: <T extends Row = Row>(sql: string, params: readonly QueryParam[] = []) => run<T>(sql, params),
    close: async () => {
      closed = true;
    },
  };
}
