/**
 * Whether a batch answered with `status` (0 = no answer at all) may succeed later: no answer,
 * timeouts, throttling and server errors can; other 4xx never will (413 is split, not retried).
 */
export const retryable = (status: number): boolean => !status || status === 408 || status === 429 || status >= 500;

/** Exponential backoff with full jitter, capped; the server's Retry-After wins when it is longer. */
export function backoffMs(
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(60_000, 500 * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exponential / 2 + (random() * exponential) / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}
