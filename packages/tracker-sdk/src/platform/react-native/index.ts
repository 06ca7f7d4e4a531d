import type { TrackerOptions } from "../../core/config.js";
import { createMemoryStore } from "../../core/memory.js";
import { createTracker as createCoreTracker, type Tracker, type TrackerDependencies } from "../../core/tracker.js";
import { createFetchTransport } from "../fetch-transport.js";
import { type AppStateLike, createAppStateLifecycle } from "./lifecycle.js";
import { type AsyncStorageLike, createAsyncStorageKeyValueStore, createAsyncStorageStore } from "./storage.js";

export interface ReactNativeTrackerOptions extends TrackerOptions {
  /** The app's AsyncStorage; without it the queue and ids live in memory only. */
  asyncStorage?: AsyncStorageLike;
  /** React Native's AppState: going to the background flushes, coming back resumes. */
  appState?: AppStateLike;
  /** Whether the device is online (e.g. from NetInfo); while false nothing is sent. @default always online */
  isOnline?: () => boolean;
  /** Context your app knows (screen size, locale, app version), read at each event. */
  context?: TrackerDependencies["platformContext"];
}

/** Creates a React Native tracker: fetch, AsyncStorage queue and ids, AppState-driven flush. */
export function createTracker(options: ReactNativeTrackerOptions, deps: Partial<TrackerDependencies> = {}): Tracker {
  const prefix = options.storagePrefix ?? "shop_tracker";
  const storage = options.asyncStorage;
  return createCoreTracker(options, {
    transport: createFetchTransport(),
    store: storage ? createAsyncStorageStore(storage, `${prefix}.queue.${options.writeKey}`) : createMemoryStore(),
    ...(storage
      ? {
          kv: createAsyncStorageKeyValueStore(
            storage,
            ["ids", "session", "consent"].map((key) => `${prefix}.${key}`),
          ),
        }
      : {}),
    ...(options.appState ? { lifecycle: createAppStateLifecycle(options.appState, options.isOnline) } : {}),
    ...(options.context ? { platformContext: options.context } : {}),
    ...deps,
  });
}
