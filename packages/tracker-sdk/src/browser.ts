/** The browser entry ("browser" export condition). */
export type { Consent, TrackerOptions } from "./core/config.js";
export { isTrackerError, TrackerError, type TrackerErrorCode } from "./core/errors.js";
export type {
  BatchPayload,
  EventStore,
  KeyValueStore,
  Lifecycle,
  Lock,
  PlatformContext,
  Transport,
  TransportResult,
} from "./core/platform.js";
export type { Plugin } from "./core/plugins.js";
export type { TrackerStats } from "./core/queue.js";
export { createTracker as createCoreTracker, type Tracker, type TrackerDependencies } from "./core/tracker.js";
export { type AutocaptureOptions, autocapture } from "./platform/browser/autocapture.js";
export { createPageContext } from "./platform/browser/context.js";
export { type BrowserTrackerOptions, createTracker, privacySignal } from "./platform/browser/index.js";
export { createBrowserKeyValueStore } from "./platform/browser/kv.js";
export { createBrowserLifecycle } from "./platform/browser/lifecycle.js";
export { createBrowserLock } from "./platform/browser/lock.js";
export { createBrowserStore } from "./platform/browser/store.js";
export { type BrowserTransportOptions, createBrowserTransport, gzip } from "./platform/browser/transport.js";
