import type { FraudAlert, LiveMetrics } from "@shop/event-schema";
import {
  type AlertOutcome,
  applyAlert,
  applyMinute,
  type DashboardState,
  type DashboardView,
  type MinuteOutcome,
  type StateLimits,
  viewOf,
} from "./core/state.js";

export type ViewListener = (view: DashboardView) => void;

/**
 * Holds the current state and tells subscribers when it changed. Bursts (a restart reading the last hour)
 * are coalesced: listeners get at most one view per `coalesceMs`, always the latest.
 */
export class Hub {
  #state: DashboardState;
  readonly #listeners = new Set<ViewListener>();
  readonly #coalesceMs: number;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;

  constructor(state: DashboardState, options: { coalesceMs?: number; now?: () => Date } = {}) {
    this.#state = state;
    this.#coalesceMs = options.coalesceMs ?? 200;
    this.#now = options.now ?? (() => new Date());
  }

  get limits(): StateLimits {
    return this.#state.limits;
  }

  view(): DashboardView {
    return viewOf(this.#state, this.#now());
  }

  minute(record: LiveMetrics): MinuteOutcome {
    const { state, outcome } = applyMinute(this.#state, record);
    this.#changed(state);
    return outcome;
  }

  alert(alert: FraudAlert): AlertOutcome {
    const { state, outcome } = applyAlert(this.#state, alert);
    this.#changed(state);
    return outcome;
  }

  subscribe(listener: ViewListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#listeners.clear();
  }

  #changed(state: DashboardState) {
    if (state === this.#state) return;
    this.#state = state;
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      const view = this.view();
      for (const listener of this.#listeners) listener(view);
    }, this.#coalesceMs);
  }
}
