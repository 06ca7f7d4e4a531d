/** What one webhook call came to; decides whether the record is done, retried, or dead-lettered. */
export type DeliveryResult =
  | { readonly kind: "delivered"; readonly status: number }
  /** Worth trying again: 5xx, 408, 429, a timeout or a network error. */
  | { readonly kind: "retry"; readonly status?: number; readonly error: string; readonly retryAfterMs?: number }
  /** Trying again gets the same answer: any other 4xx, or a redirect (a hold goes where it was configured). */
  | { readonly kind: "permanent"; readonly status: number; readonly error: string };

/**
 * 408 and 429 are 4xx that mean "later", not "never" (every webhook sender we copy retries them):
 * dead-lettering a hold because the shop was busy would lose it.
 */
const RETRYABLE_4XX = new Set([408, 429]);

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Classifies an HTTP answer; `detail` is a short excerpt of the response body for logs and dead letters. */
export function classifyResponse(status: number, detail: string, retryAfterMs?: number): DeliveryResult {
  if (status >= 200 && status < 300) return { kind: "delivered", status };
  const error = `HTTP ${status}${detail ? `: ${detail}` : ""}`;
  if (status >= 500 || RETRYABLE_4XX.has(status)) {
    return { kind: "retry", status, error, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return { kind: "permanent", status, error };
}
