/** What every entry point (Node, browser, React Native) exports from the core, listed once. */
export type { Consent, TrackerOptions } from "./config.js";
export { debug, type Logger } from "./debug.js";
export { isTrackerError, TrackerError, type TrackerErrorCode } from "./errors.js";
export type {
  BatchPayload,
  CollectorRejection,
  EventStore,
  KeyValueStore,
  Lifecycle,
  Lock,
  PlatformContext,
  Transport,
  TransportResult,
} from "./platform.js";
export type { Plugin } from "./plugins.js";
export type { TrackerStats } from "./queue.js";
export {
  type BaseTracker,
  type CallOptions,
  createBaseTracker,
  createTracker as createCoreTracker,
  type Tracker,
  type TrackerDependencies,
  type User,
} from "./tracker.js";
