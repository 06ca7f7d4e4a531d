/**
 * What every simulated actor will do, and when (epoch ms). Actors schedule their calls here instead of
 * making them: the player (play.ts) then runs all actors' calls in one time order, so the collector and
 * the streaming jobs behind it see event time move forward as it does on a real site. A job with a
 * watermark drops what arrives far behind the newest event it has seen.
 */
export interface Step {
  at: number;
  /** The tracker that makes the call (the player flushes it soon after). */
  flushable: Flushable;
  run: () => void;
  /** Every tracker's queue must be sent before this step runs (it changes what later sends carry). */
  flushFirst?: boolean;
}

export interface Flushable {
  flush(): Promise<void>;
}

export class Timeline {
  readonly #steps: Array<Step & { seq: number }> = [];

  add(at: number, flushable: Flushable, run: () => void, options: { flushFirst?: boolean } = {}): void {
    this.#steps.push({ at, flushable, run, seq: this.#steps.length, ...options });
  }

  get size(): number {
    return this.#steps.length;
  }

  /** The steps by time; steps at the same time in the order they were added. */
  ordered(): Step[] {
    return [...this.#steps].sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
}
