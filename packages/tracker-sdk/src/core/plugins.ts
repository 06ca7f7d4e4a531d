import type { WireEvent } from "@shop/event-schema";
import type { Tracker, TrackerDependencies } from "./tracker.js";

/**
 * A plugin. `beforeSend` runs on every event before it is queued: return the event (changed or not)
 * to keep it, `null` to drop it, or nothing to keep it as is (mutating it in place is allowed). A
 * `beforeSend` that throws drops the event — a failing scrubber must not let unscrubbed data out —
 * and the error reaches `onError` as a TrackerError "plugin_failed"; the page never sees it.
 * `setup` runs once when the tracker is created (autocapture wires its listeners there).
 * `platform` runs before anything else, with the platform's dependencies, and returns them changed:
 * how a plugin works below the API (the identity cookie wraps the key/value store, debug the transport).
 */
export interface Plugin {
  name: string;
  beforeSend?(event: WireEvent): WireEvent | null | undefined;
  setup?(tracker: Tracker): void;
  platform?(deps: TrackerDependencies): TrackerDependencies;
}
