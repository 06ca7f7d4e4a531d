import type { onRequestAsyncHookHandler } from "fastify";
import { CollectorError } from "./errors.js";

export interface ConcurrencyGateOptions {
  /** Ingest requests one process works on at once; the rest wait, their bodies unread. */
  maxInProgress: number;
  /** How long a request may wait for its turn before it gets 503 + Retry-After. */
  maxWaitMs: number;
}

/**
 * Load shedding for a process that is offered more than it can carry. Past `maxInProgress` ingest
 * requests, new ones wait in line (first come, first served) with their bodies unread in the socket,
 * and one that cannot start within `maxWaitMs` is answered 503 + Retry-After at once, which costs
 * almost nothing. So an overloaded collector keeps working on as many requests as it does best and
 * turns the excess away quickly, instead of parsing everything at once and answering everyone late.
 */
export function createConcurrencyGate({ maxInProgress, maxWaitMs }: ConcurrencyGateOptions) {
  let inProgress = 0;
  const line: Array<{ start: () => void; timer: NodeJS.Timeout }> = [];

  const finish = () => {
    const next = line.shift();
    if (next) {
      clearTimeout(next.timer);
      next.start(); // the slot passes to it: inProgress stays the same
    } else inProgress--;
  };

  /** Resolves with the function that frees the slot; rejects with a 503 after maxWaitMs in line. */
  const enter = (): Promise<() => void> => {
    const freeOnce = () => {
      let freed = false;
      return () => {
        if (freed) return;
        freed = true;
        finish();
      };
    };
    if (inProgress < maxInProgress) {
      inProgress++;
      return Promise.resolve(freeOnce());
    }
    return new Promise((resolve, reject) => {
      const waiting = {
        start: () => resolve(freeOnce()),
        timer: setTimeout(() => {
          line.splice(line.indexOf(waiting), 1);
          reject(
            new CollectorError("overloaded", undefined, undefined, {
              retryAfterSeconds: Math.max(1, Math.ceil(maxWaitMs / 1000)),
            }),
          );
        }, maxWaitMs),
      };
      line.push(waiting);
    });
  };

  /** The onRequest hook of the ingest routes: waits for a slot, which is freed when the answer is done. */
  const hook: onRequestAsyncHookHandler = async (_request, reply) => {
    const free = await enter();
    // `close` comes once the response is sent or the connection dropped: the slot never leaks.
    reply.raw.once("close", free);
  };

  return { enter, hook, stats: () => ({ inProgress, waiting: line.length }) };
}
