/** What to do with a batch after the collector answered `status` (0 = no answer at all). */
export type SendDecision = "done" | "retry" | "split" | "drop";

export function decide(status: number): SendDecision {
  if (status >= 200 && status < 300) return "done";
  if (status === 413) return "split";
  // No answer, throttling, timeouts and server errors can succeed later; other 4xx never will.
  if (status === 0 || status === 408 || status === 429 || status >= 500) return "retry";
  return "drop";
}

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
