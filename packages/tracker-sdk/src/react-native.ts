/** The React Native entry ("react-native" export condition). Imports no native module: the app passes its own. */

export { createMemoryKeyValueStore, createMemoryStore } from "./core/memory.js";
export * from "./core/public-api.js";
export { createFetchTransport } from "./platform/fetch-transport.js";
export { createTracker, type ReactNativeTrackerOptions } from "./platform/react-native/index.js";
export { type AppStateLike, createAppStateLifecycle } from "./platform/react-native/lifecycle.js";
export {
  type AsyncStorageLike,
  createAsyncStorageKeyValueStore,
  createAsyncStorageStore,
} from "./platform/react-native/storage.js";
