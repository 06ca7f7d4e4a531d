import type { TrackerOptions } from "../../core/config.js";
import { createTracker as createCoreTracker, type Tracker, type TrackerDependencies } from "../../core/tracker.js";
import { createPageContext } from "./context.js";
import { createBrowserKeyValueStore } from "./kv.js";
import { createBrowserLifecycle } from "./lifecycle.js";
import { createBrowserLock } from "./lock.js";
import { createBrowserStore } from "./store.js";
import { type BrowserTransportOptions, createBrowserTransport } from "./transport.js";

export interface BrowserTrackerOptions extends TrackerOptions, BrowserTransportOptions {
  /**
   * Global Privacy Control (`navigator.globalPrivacyControl === true`) means consent "denied" until the
   * visitor grants it explicitly (setConsent("granted")); `false` ignores the signal. @default true
   */
  honorGlobalPrivacyControl?: boolean;
}

const gpc = () => (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl === true;

/**
 * Whether the visitor asks not to be tracked (Global Privacy Control or Do-Not-Track). To count
 * Do-Not-Track too, start from it: `createTracker({ ..., consent: privacySignal() ? "denied" : "granted" })`
 * (an option for that one line cost 25 B of every page's bundle).
 */
export const privacySignal = (): boolean => gpc() || navigator.doNotTrack === "1";

/**
 * Creates a browser tracker: IndexedDB queue shared by the site's tabs (one leader tab sends it),
 * delivery on page exit, page context. Without a DOM (server rendering) it keeps everything in memory.
 */
export function createTracker(options: BrowserTrackerOptions, deps: Partial<TrackerDependencies> = {}): Tracker {
  const transport = createBrowserTransport(options);
  if (typeof document === "undefined") return createCoreTracker(options, { transport, ...deps });
  const name = `${options.storagePrefix ?? "shop_tracker"}.queue.${options.writeKey}`;
  const lifecycle = deps.lifecycle ?? createBrowserLifecycle();
  // GPC is an opt-out of sale/sharing the law recognises (CCPA, Colorado): honoured unless turned off.
  // Do-Not-Track has no such standing (see privacySignal). Either way it is only where the visitor
  // starts: a decision they make (setConsent, stored) outranks it.
  return createCoreTracker(
    {
      maxBatchBytes: 60_000,
      ...options,
      ...(options.honorGlobalPrivacyControl !== false && gpc() && { consent: "denied" }),
    },
    {
      transport,
      store: createBrowserStore(name),
      kv: createBrowserKeyValueStore(),
      lifecycle,
      lock: createBrowserLock(`${name}.leader`, lifecycle),
      platformContext: createPageContext(),
      ...deps,
    },
  );
}
