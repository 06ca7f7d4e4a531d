import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  ListTableMetadataCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import {
  AthenaQueryError,
  EngineRequestError,
  QueryCancelledError,
  QueryTimeoutError,
  ShopQueryError,
  SqlError,
} from "../../errors.js";
import type { QueryEngine, QueryParam, Row } from "../types.js";
import { type AthenaColumn, athenaRows } from "./convert.js";
import { type AthenaPricing, athenaCostUsd, defaultAthenaPricing, type QueryStats } from "./cost.js";
import { executionParameters } from "./parameters.js";
import { type Clock, defaultPollPolicy, type PollPolicy, pollDelay, systemClock } from "./polling.js";
import type { ProgressListener } from "./progress.js";

/** The one method of the SDK client the engine uses, so a caller can share or wrap its client. */
export type AthenaSender = Pick<AthenaClient, "send">;

export interface AthenaEngineOptions {
  readonly client: AthenaSender;
  /** @default "primary" */
  readonly workGroup?: string;
  /** Query context: views and tables are named unqualified. */
  readonly database: string;
  /** @default "AwsDataCatalog" */
  readonly catalog?: string;
  /** `s3://bucket/path/` for result files; unset, the work group's own setting applies. */
  readonly outputLocation?: string;
  readonly pricing?: AthenaPricing;
  readonly poll?: PollPolicy;
  /** Stops a query that runs longer (StopQueryExecution, then QueryTimeoutError). Unset: no deadline. */
  readonly timeoutMs?: number;
  /** Rows per GetQueryResults page (Athena's maximum is 1000). @default 1000 */
  readonly pageSize?: number;
  /** Aborting stops whatever query runs: the CLI wires Ctrl-C here. */
  readonly signal?: AbortSignal;
  /** Called after every poll of every query, e.g. a TTY progress line. */
  readonly onProgress?: ProgressListener;
  readonly clock?: Clock;
}

export interface ExecuteOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
}

export interface AthenaResult<T extends Row = Row> {
  readonly rows: T[];
  readonly columns: readonly AthenaColumn[];
  /** `DML` (SELECT, INSERT…), `DDL` or `UTILITY` (SHOW, DESCRIBE…), as Athena classified the statement. */
  readonly statementType: string;
  readonly stats: QueryStats;
}

/** A table as the Glue catalog holds it, with the types spelled as in the DDL (`string`, `int`, …). */
export interface DeployedTable {
  readonly name: string;
  readonly columns: readonly AthenaColumn[];
  readonly partitions: readonly AthenaColumn[];
  readonly type: string;
}

export interface AthenaEngine extends QueryEngine {
  readonly database: string;
  readonly pricing: AthenaPricing;
  /** Statistics of the last query that succeeded, for a cost line. */
  readonly lastStats: QueryStats | undefined;
  /** Runs any one statement, DDL included, and returns its rows with statistics and cost. */
  execute<T extends Row = Row>(
    sql: string,
    params?: readonly QueryParam[],
    options?: ExecuteOptions,
  ): Promise<AthenaResult<T>>;
  /** Every table of the database in the catalog (ListTableMetadata: a catalog call, not a query). */
  listTables(): Promise<DeployedTable[]>;
}

// `query()` is the analyst's door, as read-only as the local engine's; DDL goes through execute().
const READ_ONLY = /^(?:select|with|values|table|show|describe|explain)\b/i;
const leadingNoise = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*/;

/** Whether a statement only reads, by its first keyword (Athena itself refuses a second statement). */
export const isReadOnlyStatement = (sql: string): boolean => READ_ONLY.test(sql.replace(leadingNoise, ""));

const errorName = (error: unknown) => (error as { name?: string }).name ?? "Error";
const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** SDK failures → typed errors: Athena's refusal of the request is about the SQL, the rest is the service. */
function requestError(operation: string, error: unknown): ShopQueryError {
  if (error instanceof ShopQueryError) return error;
  if (errorName(error) === "InvalidRequestException") {
    return new SqlError("SQL_INVALID", `Athena refused the query: ${errorMessage(error)}`, { cause: error });
  }
  return new EngineRequestError(`Athena ${operation} failed: ${errorName(error)}: ${errorMessage(error)}`, {
    cause: error,
  });
}

const anySignal = (signals: readonly (AbortSignal | undefined)[]): AbortSignal | undefined => {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return present.length <= 1 ? present[0] : AbortSignal.any(present);
};

/**
 * QueryEngine on Amazon Athena: StartQueryExecution with positional `ExecutionParameters`, GetQueryExecution
 * polled with capped exponential backoff (progress reported after each poll), GetQueryResults paged and
 * converted by the result metadata into the row contract. An abort or the deadline stops the query on
 * Athena before the typed error is thrown, so nothing keeps scanning (and billing) after the caller left.
 */
export function createAthenaEngine(options: AthenaEngineOptions): AthenaEngine {
  const { client, database } = options;
  const workGroup = options.workGroup ?? "primary";
  const catalog = options.catalog ?? "AwsDataCatalog";
  const pricing = options.pricing ?? defaultAthenaPricing;
  const poll = options.poll ?? defaultPollPolicy;
  const clock = options.clock ?? systemClock;
  const pageSize = options.pageSize ?? 1000;
  let closed = false;
  let lastStats: QueryStats | undefined;

  async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw requestError(operation, error);
    }
  }

  async function stop(queryExecutionId: string): Promise<unknown> {
    try {
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryExecutionId }));
      return undefined;
    } catch (error) {
      return error;
    }
  }

  async function cancel(queryExecutionId: string): Promise<never> {
    const failure = await stop(queryExecutionId);
    throw new QueryCancelledError(queryExecutionId, failure === undefined ? undefined : { cause: failure });
  }

  async function waitForEnd(
    queryExecutionId: string,
    started: number,
    signal: AbortSignal | undefined,
    onProgress: ProgressListener | undefined,
  ): Promise<QueryExecution> {
    for (let attempt = 0; ; attempt += 1) {
      if (options.timeoutMs !== undefined && clock.now() - started >= options.timeoutMs) {
        await stop(queryExecutionId);
        throw new QueryTimeoutError(queryExecutionId, options.timeoutMs);
      }
      await clock.sleep(pollDelay(attempt, poll), signal);
      if (signal?.aborted) await cancel(queryExecutionId);
      const { QueryExecution: execution } = await call("GetQueryExecution", () =>
        client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId })),
      );
      const state = execution?.Status?.State ?? "UNKNOWN";
      onProgress?.({
        queryExecutionId,
        state,
        elapsedMs: clock.now() - started,
        bytesScanned: execution?.Statistics?.DataScannedInBytes ?? 0,
      });
      if (state === "SUCCEEDED") return execution as QueryExecution;
      if (state === "FAILED" || state === "CANCELLED") {
        const errorType = execution?.Status?.AthenaError?.ErrorType;
        throw new AthenaQueryError({
          queryExecutionId,
          state,
          reason: execution?.Status?.StateChangeReason ?? "(Athena gave no reason)",
          ...(errorType === undefined ? {} : { errorType }),
        });
      }
    }
  }

  async function fetchRows<T extends Row>(
    queryExecutionId: string,
    statementType: string,
    signal: AbortSignal | undefined,
  ): Promise<{ rows: T[]; columns: AthenaColumn[] }> {
    const rows: T[] = [];
    let columns: AthenaColumn[] | undefined;
    let nextToken: string | undefined;
    let first = true;
    do {
      if (signal?.aborted) throw new QueryCancelledError(queryExecutionId);
      const token = nextToken;
      const page = await call("GetQueryResults", () =>
        client.send(
          new GetQueryResultsCommand({
            QueryExecutionId: queryExecutionId,
            MaxResults: pageSize,
            ...(token === undefined ? {} : { NextToken: token }),
          }),
        ),
      );
      columns ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => ({
        name: c.Label ?? c.Name ?? "",
        type: c.Type ?? "varchar",
      }));
      let pageRows = page.ResultSet?.Rows ?? [];
      // A SELECT's first row is the column names; DDL and utility statements have no header row.
      if (first && statementType === "DML") pageRows = pageRows.slice(1);
      rows.push(...(athenaRows(columns, pageRows) as T[]));
      nextToken = page.NextToken;
      first = false;
    } while (nextToken);
    return { rows, columns: columns ?? [] };
  }

  async function execute<T extends Row = Row>(
    sql: string,
    params: readonly QueryParam[] = [],
    runOptions: ExecuteOptions = {},
  ): Promise<AthenaResult<T>> {
    if (closed) throw new ShopQueryError("ENGINE_CLOSED", "the engine is closed");
    const signal = anySignal([options.signal, runOptions.signal]);
    const onProgress = runOptions.onProgress ?? options.onProgress;
    const parameters = executionParameters(params);
    if (signal?.aborted) throw new QueryCancelledError();
    const started = clock.now();
    const { QueryExecutionId: queryExecutionId } = await call("StartQueryExecution", () =>
      client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: workGroup,
          QueryExecutionContext: { Catalog: catalog, Database: database },
          ...(options.outputLocation ? { ResultConfiguration: { OutputLocation: options.outputLocation } } : {}),
          ...(parameters ? { ExecutionParameters: parameters } : {}),
        }),
      ),
    );
    if (!queryExecutionId) throw new EngineRequestError("Athena StartQueryExecution returned no query id");
    const execution = await waitForEnd(queryExecutionId, started, signal, onProgress);
    const statementType = execution.StatementType ?? "DML";
    const { rows, columns } = await fetchRows<T>(queryExecutionId, statementType, signal);
    const bytesScanned = execution.Statistics?.DataScannedInBytes ?? 0;
    const engineMs = execution.Statistics?.EngineExecutionTimeInMillis;
    const stats: QueryStats = {
      queryExecutionId,
      bytesScanned,
      // Athena charges for DML only: DDL and utility statements (SHOW, DESCRIBE) are free.
      costUsd: statementType === "DML" ? athenaCostUsd(bytesScanned, pricing) : 0,
      elapsedMs: clock.now() - started,
      ...(engineMs === undefined ? {} : { engineMs }),
    };
    lastStats = stats;
    return { rows, columns, statementType, stats };
  }

  return {
    database,
    pricing,
    get lastStats() {
      return lastStats;
    },
    execute,
    async query<T extends Row = Row>(sql: string, params?: readonly QueryParam[]): Promise<T[]> {
      if (!isReadOnlyStatement(sql)) {
        throw new SqlError(
          "SQL_NOT_ALLOWED",
          "only SELECT, WITH, VALUES, SHOW, DESCRIBE and EXPLAIN statements can be run as queries",
        );
      }
      return (await execute<T>(sql, params)).rows;
    },
    async listTables(): Promise<DeployedTable[]> {
      if (closed) throw new ShopQueryError("ENGINE_CLOSED", "the engine is closed");
      const out: DeployedTable[] = [];
      let nextToken: string | undefined;
      do {
        const token = nextToken;
        const page = await call("ListTableMetadata", () =>
          client.send(
            new ListTableMetadataCommand({
              CatalogName: catalog,
              DatabaseName: database,
              ...(token === undefined ? {} : { NextToken: token }),
            }),
          ),
        );
        for (const table of page.TableMetadataList ?? []) {
          const columns = (list: typeof table.Columns) =>
            (list ?? []).map((c) => ({ name: c.Name ?? "", type: c.Type ?? "" }));
          out.push({
            name: table.Name ?? "",
            columns: columns(table.Columns),
            partitions: columns(table.PartitionKeys),
            type: table.TableType ?? "",
          });
        }
        nextToken = page.NextToken;
      } while (nextToken);
      return out;
    },
    async close() {
      closed = true;
    },
  };
}
