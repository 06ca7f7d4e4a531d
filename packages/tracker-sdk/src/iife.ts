/**
 * The <script> build, global `ShopTracker`: the browser entry and the e-commerce helpers. Sites
 * without a bundler get autocapture by default here (`autocapture: false` or options to change it).
 */
import { debug } from "./core/debug.js";
import type { TrackerDependencies } from "./core/tracker.js";
import { type AutocaptureOptions, autocapture } from "./platform/browser/autocapture.js";
import { identity } from "./platform/browser/identity.js";
import { type BrowserTrackerOptions, createTracker as createBrowserTracker } from "./platform/browser/index.js";

export * from "./browser.js";
export * from "./ecommerce.js";

export interface ScriptTrackerOptions extends BrowserTrackerOptions {
  /** @default { pageViews: true, clicks: false, outboundLinks: true } */
  autocapture?: boolean | AutocaptureOptions;
  /** The identity() plugin's cookie: the anonymous id shared by subdomains. @default no cookie */
  cookieDomain?: string;
  /** The debug() plugin: logs every event, batch, answer and drop to the console. @default false */
  debug?: boolean;
}

export function createTracker(options: ScriptTrackerOptions, deps?: Partial<TrackerDependencies>) {
  const capture = options.autocapture ?? true;
  // The script build has no size budget: identity (cross-domain links, the optional cookie) is always on.
  const plugins = [identity({ cookieDomain: options.cookieDomain }), ...(options.plugins ?? [])];
  if (capture) plugins.push(autocapture(capture === true ? {} : capture));
  if (options.debug) plugins.push(debug());
  return createBrowserTracker({ ...options, plugins }, deps);
}

/** A call the loader snippet (src/snippet.js) recorded before this script ran. */
type RecordedCall = [method: string, ...args: unknown[]];

/**
 * Taking over from the snippet's stub: the tracker replaces the global first, so calls made while
 * the recorded ones replay queue behind them, then the calls replay in the order the page made them.
 */
const stub = (globalThis as { shopTracker?: RecordedCall[] & { options?: ScriptTrackerOptions } }).shopTracker;
if (Array.isArray(stub) && stub.options) {
  const tracker = createTracker(stub.options);
  (globalThis as unknown as { shopTracker: typeof tracker }).shopTracker = tracker;
  for (const [method, ...args] of stub)
    (tracker as unknown as Record<string, (...a: unknown[]) => void>)[method]?.(...args);
}
