import type { TrackerOptions } from "../../core/config.js";
import { createTracker as createCoreTracker, type Tracker, type TrackerDependencies } from "../../core/tracker.js";
import { createPageContext } from "./context.js";
import { createBrowserKeyValueStore } from "./kv.js";
import { createBrowserLifecycle } from "./lifecycle.js";
import { createBrowserLock } from "./lock.js";
import { createBrowserStore } from "./store.js";
import { type BrowserTransportOptions, createBrowserTransport } from "./transport.js";

export interface BrowserTrackerOptions extends TrackerOptions, BrowserTransportOptions {}

/** Whether the visitor asks not to be tracked (Global Privacy Control or Do-Not-Track). */
export const privacySignal = (): boolean =>
  (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true || navigator.doNotTrack === "1";

/**
 * Creates a browser tracker: IndexedDB queue shared by the site's tabs (one leader tab sends it),
 * delivery on page exit, page context. Without a DOM (server rendering) it keeps everything in memory.
 */
export function createTracker(options: BrowserTrackerOptions, deps: Partial<TrackerDependencies> = {}): Tracker {
  const transport = createBrowserTransport(options);
  if (typeof document === "undefined") return createCoreTracker(options, { transport, ...deps });
  const name = `${options.storagePrefix ?? "shop_tracker"}.queue.${options.writeKey}`;
  const lifecycle = deps.lifecycle ?? createBrowserLifecycle();
  return createCoreTracker(
    { maxBatchBytes: 60_000, ...options },
    {
      transport,
      store: createBrowserStore(name),
      kv: createBrowserKeyValueStore(),
      lifecycle,
      lock: createBrowserLock(`${name}.leader`, lifecycle),
      platformContext: createPageContext(),
      privacySignal,
      ...deps,
    },
  );
}
