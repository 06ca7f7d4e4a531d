/**
 * Every error the collector answers with: a stable code clients and dashboards can match on, its HTTP
 * status, and whether retrying can help (the SDK's retry policy keys off the status).
 */
export const collectorErrors = {
  invalid_json: { status: 400, message: "the body is not valid JSON" },
  invalid_body: { status: 400, message: "the body does not match the endpoint's format" },
  no_valid_events: { status: 400, message: "no event in the request was valid" },
  unsupported_media_type: { status: 415, message: "send application/json or text/plain" },
  missing_write_key: {
    status: 401,
    message: "a write key is required (Basic auth user, X-Write-Key header or writeKey)",
  },
  invalid_write_key: { status: 401, message: "unknown write key" },
  origin_not_allowed: { status: 403, message: "this origin may not send events to this collector" },
  payload_too_large: { status: 413, message: "the request body is too large" },
  kafka_unavailable: { status: 503, message: "events could not be stored right now; retry later" },
  not_found: { status: 404, message: "no such endpoint" },
  internal: { status: 500, message: "internal error" },
} as const;

export type CollectorErrorCode = keyof typeof collectorErrors;

export class CollectorError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: CollectorErrorCode,
    message: string = collectorErrors[code].message,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "CollectorError";
    this.statusCode = collectorErrors[code].status;
  }
}

export const errorBody = (code: CollectorErrorCode | string, message: string, details?: unknown) => ({
  success: false,
  error: { code, message, ...(details === undefined ? {} : { details }) },
});
