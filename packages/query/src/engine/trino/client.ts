import { SqlError } from "../../errors.js";

// Trino unreachable, or answering outside its protocol: SQL_FAILED for now, since the CLI's exit codes
// (src/cli) map every QueryErrorCode; an ENGINE_UNREACHABLE code is a follow-up once the CLI can take it.
const unreachable = (message: string, options?: { cause?: unknown }) => new SqlError("SQL_FAILED", message, options);

import { parseTrinoJson } from "./json.js";
import type { QueryResults, TrinoColumn, TrinoErrorInfo } from "./protocol.js";

/** The Trino client protocol over HTTP: POST the statement, then follow nextUri until there is none. */
export interface StatementRequest {
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  readonly sql: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Gives up (and cancels the query on the server) after this long. */
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
  /** Called with each page's rows, in order; columns come with the first page that has any. */
  readonly onRows: (columns: readonly TrinoColumn[], data: readonly (readonly unknown[])[]) => void;
}

export interface StatementOutcome {
  readonly queryId: string;
  readonly columns: readonly TrinoColumn[];
  readonly updateType?: string;
}

// Errors found while analysing the statement, before it ran: the SQL is wrong, not the data or the engine.
const ANALYSIS_ERRORS = new Set([
  "SYNTAX_ERROR",
  "TABLE_NOT_FOUND",
  "COLUMN_NOT_FOUND",
  "SCHEMA_NOT_FOUND",
  "CATALOG_NOT_FOUND",
  "FUNCTION_NOT_FOUND",
  "TYPE_MISMATCH",
  "AMBIGUOUS_NAME",
  "MISSING_COLUMN_NAME",
  "MISSING_GROUP_BY",
  "EXPRESSION_NOT_AGGREGATE",
  "EXPRESSION_NOT_SCALAR",
  "INVALID_PARAMETER_USAGE",
  "INVALID_LITERAL",
  "NOT_SUPPORTED",
]);

export function sqlErrorFrom(error: TrinoErrorInfo, queryId: string): SqlError {
  const code = error.errorName !== undefined && ANALYSIS_ERRORS.has(error.errorName) ? "SQL_INVALID" : "SQL_FAILED";
  return new SqlError(code, error.message, {
    cause: {
      engine: "trino",
      queryId,
      errorName: error.errorName,
      errorType: error.errorType,
      errorCode: error.errorCode,
    },
  });
}

// The protocol's "try again" answers: the coordinator is busy or a proxy in front of it is.
const RETRY_STATUS = new Set([429, 502, 503, 504]);
const MAX_RETRIES = 8;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function request(run: StatementRequest, uri: string, init: RequestInit, deadline: number): Promise<QueryResults> {
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await run.fetch(uri, { ...init, signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
    } catch (error) {
      if (Date.now() >= deadline) throw new SqlError("SQL_FAILED", `no answer from Trino within ${run.timeoutMs} ms`);
      throw unreachable(`Trino at ${run.url} is not reachable: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const body = await response.text();
    if (RETRY_STATUS.has(response.status) && attempt < MAX_RETRIES && Date.now() < deadline) {
      await sleep(Math.min(50 * 2 ** attempt, 1000));
      continue;
    }
    if (!response.ok) {
      throw unreachable(`Trino answered ${response.status} ${response.statusText}: ${body.slice(0, 300)}`);
    }
    try {
      return parseTrinoJson(body) as QueryResults;
    } catch (error) {
      throw unreachable(`Trino sent a body that is not JSON: ${body.slice(0, 300)}`, { cause: error });
    }
  }
}

/** Runs one statement to the end. Rejects with SqlError for Trino's query errors, with the server's message. */
export async function runStatement(run: StatementRequest): Promise<StatementOutcome> {
  const deadline = Date.now() + run.timeoutMs;
  let page = await request(
    run,
    `${run.url}/v1/statement`,
    { method: "POST", body: run.sql, headers: run.headers },
    deadline,
  );
  let columns: readonly TrinoColumn[] = [];
  for (;;) {
    if (page.columns && columns.length === 0) columns = page.columns;
    if (page.error) throw sqlErrorFrom(page.error, page.id);
    if (page.data && page.data.length > 0) run.onRows(columns, page.data);
    const next = page.nextUri;
    if (!next) return { queryId: page.id, columns, ...(page.updateType ? { updateType: page.updateType } : {}) };
    const overdue = () =>
      new SqlError("SQL_FAILED", `the query ran longer than ${run.timeoutMs} ms and was cancelled (query ${page.id})`, {
        cause: { engine: "trino", queryId: page.id },
      });
    // Cancelled on the server too (DELETE on nextUri), so an abandoned query does not go on using the cluster.
    const cancel = () => run.fetch(next, { method: "DELETE", headers: run.headers }).catch(() => undefined);
    if (Date.now() >= deadline) {
      await cancel();
      throw overdue();
    }
    try {
      // GETs on nextUri carry the same headers (user): Trino checks the user on every page.
      page = await request(run, next, { method: "GET", headers: run.headers }, deadline);
    } catch (error) {
      if (Date.now() < deadline) throw error;
      await cancel();
      throw overdue();
    }
  }
}
