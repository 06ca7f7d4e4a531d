/**
 * Every error the collector answers with: a stable code clients and dashboards can match on, its HTTP
 * status, and whether retrying can help (the SDK's retry policy keys off the status).
 */
export const collectorErrors = {
  invalid_json: { status: 400, message: "the body is not valid JSON" },
  invalid_utf8: { status: 400, message: "the body is not valid UTF-8" },
  too_deeply_nested: { status: 400, message: "the body is nested too deeply" },
  invalid_request: { status: 400, message: "the HTTP request is malformed" },
  invalid_body: { status: 400, message: "the body does not match the endpoint's format" },
  no_valid_events: { status: 400, message: "no event in the request was valid" },
  unsupported_encoding: { status: 415, message: "Content-Encoding must be gzip, deflate, br, zstd or identity" },
  missing_write_key: {
    status: 401,
    message: "a write key is required (Basic auth user, X-Write-Key header or writeKey)",
  },
  invalid_write_key: { status: 401, message: "unknown write key" },
  origin_not_allowed: { status: 403, message: "this origin may not send events to this collector" },
  request_timeout: { status: 408, message: "the request was not received in time" },
  payload_too_large: { status: 413, message: "the request body is too large" },
  headers_too_large: { status: 431, message: "the request headers are too large" },
  rate_limited: { status: 429, message: "too many requests; retry after the time in Retry-After" },
  kafka_unavailable: { status: 503, message: "events could not be stored right now; retry later" },
  overloaded: { status: 503, message: "the collector is busy; retry after the time in Retry-After" },
  not_found: { status: 404, message: "no such endpoint" },
  internal: { status: 500, message: "internal error" },
} as const;

export type CollectorErrorCode = keyof typeof collectorErrors;

export interface CollectorErrorOptions {
  /** Sent as Retry-After (whole seconds); 429 and 503 answers carry one. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class CollectorError extends Error {
  readonly statusCode: number;
  readonly retryAfterSeconds: number | undefined;
  constructor(
    readonly code: CollectorErrorCode,
    message: string = collectorErrors[code].message,
    readonly details?: unknown,
    options: CollectorErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CollectorError";
    this.statusCode = collectorErrors[code].status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** An error answer; `requestId` is the id the request's log lines carry (absent before a request exists). */
export const errorBody = (
  code: CollectorErrorCode | string,
  message: string,
  details?: unknown,
  requestId?: string,
) => ({
  success: false,
  error: {
    code,
    message,
    ...(details === undefined ? {} : { details }),
    ...(requestId === undefined ? {} : { requestId }),
  },
});
