/**
 * Typed errors with stable codes. Callers (the CLI, the Athena adapter later) branch on the class or the
 * code, never on message text.
 */
export type QueryErrorCode =
  | "CONFIG_INVALID"
  | "DDL_INPUT_INVALID"
  | "DDL_TEMPLATE_INVALID"
  | "SQL_FRAGMENT_INVALID"
  | "SQL_INVALID"
  | "SQL_NOT_ALLOWED"
  | "SQL_FAILED"
  | "STORE_UNREACHABLE"
  | "STORE_BUCKET_NOT_FOUND"
  | "STORE_ACCESS_DENIED"
  | "STORE_REQUEST_FAILED"
  | "RESULT_SHAPE_INVALID"
  | "ENGINE_CLOSED"
  | "QUERY_CANCELLED"
  | "QUERY_TIMEOUT"
  | "ENGINE_REQUEST_FAILED"
  | "DDL_CONFLICT"
  | "CATALOGUE_INVALID"
  | "QUESTION_UNKNOWN"
  | "PARAM_INVALID";

export class ShopQueryError extends Error {
  readonly code: QueryErrorCode;

  constructor(code: QueryErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Environment or options that cannot work; lists every problem at once. */
export class ConfigError extends ShopQueryError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super("CONFIG_INVALID", `invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.problems = problems;
  }
}

/** A database name or location that would produce broken or injected DDL. */
export class DdlInputError extends ShopQueryError {
  constructor(message: string) {
    super("DDL_INPUT_INVALID", message);
  }
}

/** The contract's DDL template no longer has the shape this package fills in. */
export class DdlTemplateError extends ShopQueryError {
  constructor(message: string) {
    super("DDL_TEMPLATE_INVALID", message);
  }
}

/** A view names a contract SQL fragment that does not exist, or views read each other in a cycle. */
export class SqlFragmentError extends ShopQueryError {
  constructor(message: string) {
    super("SQL_FRAGMENT_INVALID", message);
  }
}

/** The engine rejected or failed to run a statement; the message is the engine's own. */
export class SqlError extends ShopQueryError {}

/**
 * Athena ran the statement and it ended `FAILED`, or `CANCELLED` by someone else. `reason` is Athena's
 * `StateChangeReason` exactly as it sent it (the message adds the query id and state around it).
 */
export class AthenaQueryError extends SqlError {
  readonly queryExecutionId: string;
  readonly state: "FAILED" | "CANCELLED";
  readonly reason: string;
  /** Athena's `AthenaError.ErrorType` (e.g. 1100 for a syntax error), when it sent one. */
  readonly errorType?: number;

  constructor(details: {
    queryExecutionId: string;
    state: "FAILED" | "CANCELLED";
    reason: string;
    errorType?: number;
  }) {
    super("SQL_FAILED", `Athena query ${details.queryExecutionId} ${details.state}: ${details.reason}`);
    this.queryExecutionId = details.queryExecutionId;
    this.state = details.state;
    this.reason = details.reason;
    if (details.errorType !== undefined) this.errorType = details.errorType;
  }
}

/** The caller aborted (Ctrl-C): the query was stopped (when it had started) and nothing is returned. */
export class QueryCancelledError extends ShopQueryError {
  /** Absent when the abort came before the query started. */
  readonly queryExecutionId?: string;

  constructor(queryExecutionId?: string, options?: { cause?: unknown }) {
    super(
      "QUERY_CANCELLED",
      queryExecutionId === undefined
        ? "query cancelled before it started"
        : options?.cause === undefined
          ? `query ${queryExecutionId} cancelled (stopped on Athena)`
          : `query ${queryExecutionId} cancelled, but stopping it on Athena failed: ${String((options.cause as Error).message ?? options.cause)}`,
      options,
    );
    if (queryExecutionId !== undefined) this.queryExecutionId = queryExecutionId;
  }
}

/** The query ran past the engine's deadline and was stopped. */
export class QueryTimeoutError extends ShopQueryError {
  readonly queryExecutionId: string;

  constructor(queryExecutionId: string, timeoutMs: number) {
    super("QUERY_TIMEOUT", `query ${queryExecutionId} ran longer than ${timeoutMs} ms and was stopped`);
    this.queryExecutionId = queryExecutionId;
  }
}

/** A call to the engine's service failed (throttled, denied, unreachable); the SDK's error is the cause. */
export class EngineRequestError extends ShopQueryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ENGINE_REQUEST_FAILED", message, options);
  }
}

/** A deployed table's columns differ from the contract in a way `ADD COLUMNS` cannot fix. */
export class DdlConflictError extends ShopQueryError {
  readonly table: string;
  readonly differences: readonly string[];

  constructor(table: string, differences: readonly string[]) {
    super(
      "DDL_CONFLICT",
      `table ${table} differs from the contract beyond appended columns: ${differences.join("; ")} (apply with recreate to drop and re-create it; the data stays in S3)`,
    );
    this.table = table;
    this.differences = differences;
  }
}

/** The object store could not be reached at all (connection refused, DNS, timeout). */
export class StoreUnreachableError extends ShopQueryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("STORE_UNREACHABLE", message, options);
  }
}

/** The object store answered, with an error. */
export class StoreError extends ShopQueryError {}

/** A query returned values of a type the caller cannot use (e.g. text where a count was expected). */
export class ResultShapeError extends ShopQueryError {
  constructor(message: string) {
    super("RESULT_SHAPE_INVALID", message);
  }
}

/** A question file of the catalogue that cannot be used: bad header, undeclared or unused parameter. */
export class CatalogueError extends ShopQueryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("CATALOGUE_INVALID", message, options);
  }
}

/** No question of the catalogue has this name. */
export class QuestionUnknownError extends ShopQueryError {
  readonly question: string;

  constructor(question: string, known: readonly string[]) {
    super(
      "QUESTION_UNKNOWN",
      `no question named ${JSON.stringify(question)} (shop-query list shows ${known.length}: ${known.join(", ")})`,
    );
    this.question = question;
  }
}

/** A parameter value that does not fit the question's declared type, or a parameter it does not have. */
export class ParamError extends ShopQueryError {
  /** The parameter's name as the question declares it (or as given, when unknown). */
  readonly param: string;

  constructor(param: string, message: string) {
    super("PARAM_INVALID", message);
    this.param = param;
  }
}

export const isShopQueryError = (error: unknown): error is ShopQueryError => error instanceof ShopQueryError;
