import { setTimeout as delay } from "node:timers/promises";

/**
 * Resolves after `ms`, or at once (without throwing) when the signal aborts: a run stopped early goes on to
 * write its files instead of waiting out a shopper's pause. Node's own timer promise, whose only rejection is
 * the abort.
 */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : {}).catch(() => undefined);
