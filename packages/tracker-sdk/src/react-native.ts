/** The React Native entry ("react-native" export condition). Imports no native module: the app passes its own. */

export { createMemoryKeyValueStore, createMemoryStore } from "./core/memory.js";
export * from "./core/public-api.js";
// The browser-only helpers as no-ops, so code written against the default types runs here too.
export type { AutocaptureOptions } from "./platform/browser/autocapture.js";
export { createFetchTransport } from "./platform/fetch-transport.js";
export { autocapture, gzip, privacySignal } from "./platform/no-page.js";
export { createTracker, type ReactNativeTrackerOptions } from "./platform/react-native/index.js";
export { type AppStateLike, createAppStateLifecycle } from "./platform/react-native/lifecycle.js";
export {
  type AsyncStorageLike,
  createAsyncStorageKeyValueStore,
  createAsyncStorageStore,
} from "./platform/react-native/storage.js";
