/** The React Native entry ("react-native" export condition). Imports no native module: the app passes its own. */
export type { Consent, TrackerOptions } from "./core/config.js";
export { isTrackerError, TrackerError, type TrackerErrorCode } from "./core/errors.js";
export { createMemoryKeyValueStore, createMemoryStore } from "./core/memory.js";
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
export { createFetchTransport } from "./platform/fetch-transport.js";
export { createTracker, type ReactNativeTrackerOptions } from "./platform/react-native/index.js";
export { type AppStateLike, createAppStateLifecycle } from "./platform/react-native/lifecycle.js";
export {
  type AsyncStorageLike,
  createAsyncStorageKeyValueStore,
  createAsyncStorageStore,
} from "./platform/react-native/storage.js";
