import type { TrackerOptions } from "./core/config.js";
import { createTracker as createCoreTracker, type Tracker, type TrackerDependencies } from "./core/tracker.js";
import { createFetchTransport } from "./platform/fetch-transport.js";

export type { TrackerOptions } from "./core/config.js";
export { uuidv7 } from "./core/ids.js";
export type { Tracker, TrackerDependencies, TrackerStats } from "./core/tracker.js";
export type { BatchPayload, Transport, TransportResult } from "./core/types.js";
export { createFetchTransport } from "./platform/fetch-transport.js";

/** Creates a tracker that sends with fetch; pass `deps` to swap the transport (tests, other platforms). */
export function createTracker(options: TrackerOptions, deps: Partial<TrackerDependencies> = {}): Tracker {
  return createCoreTracker(options, { transport: createFetchTransport(), ...deps });
}
