export interface BackoffPolicy {
  /** The first retry's delay (before jitter). */
  readonly initialMs: number;
  /** No delay is longer, whatever the attempt or the server's Retry-After. */
  readonly maxMs: number;
}

/**
 * The delay before retry number `attempt` (1 = the first retry): `initialMs · 2^(attempt−1)`, capped at
 * `maxMs`, then "equal jitter" (a uniform value in [½·delay, delay]) so that many consumers whose
 * webhook came back at once do not retry in lockstep. A server's Retry-After is honoured when longer,
 * up to the same cap: a shop asking for an hour must not stall the partition past `maxMs` per attempt.
 */
export function retryDelay(
  attempt: number,
  policy: BackoffPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 52);
  const capped = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  const jittered = Math.round(capped / 2 + random() * (capped / 2));
  return Math.min(policy.maxMs, Math.max(jittered, retryAfterMs ?? 0));
}
