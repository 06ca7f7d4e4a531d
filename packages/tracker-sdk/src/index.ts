/**
 * The Node entry (and the default for runtimes without a "browser" or "react-native" condition):
 * fetch transport, in-memory queue and ids. Pass `deps` to swap any of them.
 */
import type { TrackerOptions } from "./core/config.js";
import { createTracker as createCoreTracker, type Tracker, type TrackerDependencies } from "./core/tracker.js";
import { createFetchTransport } from "./platform/fetch-transport.js";

export { uuidv7 } from "./core/ids.js";
export { createMemoryKeyValueStore, createMemoryStore } from "./core/memory.js";
export * from "./core/public-api.js";
export { createFetchTransport } from "./platform/fetch-transport.js";

/** Creates a tracker that sends with fetch; pass `deps` to swap the transport, store, clock... */
export function createTracker(options: TrackerOptions, deps: Partial<TrackerDependencies> = {}): Tracker {
  return createCoreTracker(options, { transport: createFetchTransport(), ...deps });
}
