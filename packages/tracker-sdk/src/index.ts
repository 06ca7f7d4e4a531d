/**
 * The Node entry (and the default for runtimes without a "browser" or "react-native" condition):
 * fetch transport, in-memory queue and ids. Pass `deps` to swap any of them.
 */
import type { TrackerOptions } from "./core/config.js";
import { createTracker as createCoreTracker, type Tracker, type TrackerDependencies } from "./core/tracker.js";
import type { BrowserTransportOptions } from "./platform/browser/transport.js";
import { createFetchTransport } from "./platform/fetch-transport.js";

export { uuidv7 } from "./core/ids.js";
export { createMemoryKeyValueStore, createMemoryStore } from "./core/memory.js";
export * from "./core/public-api.js";
export type { AutocaptureOptions } from "./platform/browser/autocapture.js";
export { createFetchTransport } from "./platform/fetch-transport.js";
export { autocapture, gzip, privacySignal } from "./platform/no-page.js";

/**
 * The browser's options are accepted (and `compress` ignored) so that code shared with the browser
 * build type-checks against these types, which TypeScript picks without a "browser" condition.
 */
export type BrowserTrackerOptions = TrackerOptions & BrowserTransportOptions;

/** Creates a tracker that sends with fetch; pass `deps` to swap the transport, store, clock... */
export function createTracker(options: BrowserTrackerOptions, deps: Partial<TrackerDependencies> = {}): Tracker {
  return createCoreTracker(options, { transport: createFetchTransport(), ...deps });
}
