/** How often to ask Athena whether a query is done: capped exponential backoff. */
export interface PollPolicy {
  /** First wait after StartQueryExecution. @default 200 */
  readonly initialMs: number;
  /** Each wait is the previous one times this. @default 2 */
  readonly factor: number;
  /** No wait is longer than this, so a long query still reports progress regularly. @default 2000 */
  readonly maxMs: number;
}

export const defaultPollPolicy: PollPolicy = { initialMs: 200, factor: 2, maxMs: 2_000 };

/** The wait before poll number `attempt` (0-based). Short queries finish within the first few polls. */
export function pollDelay(attempt: number, policy: PollPolicy = defaultPollPolicy): number {
  return Math.min(policy.maxMs, Math.round(policy.initialMs * policy.factor ** attempt));
}

/** Time as the engine sees it; tests pass a fake one and assert the waits instead of waiting. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    }),
};
