/**
 * The <script> build, global `ShopTracker`: the browser entry and the e-commerce helpers. Sites
 * without a bundler get autocapture by default here (`autocapture: false` or options to change it).
 */
import type { TrackerDependencies } from "./core/tracker.js";
import { type AutocaptureOptions, autocapture } from "./platform/browser/autocapture.js";
import { type BrowserTrackerOptions, createTracker as createBrowserTracker } from "./platform/browser/index.js";

export * from "./browser.js";
export * from "./ecommerce.js";

export interface ScriptTrackerOptions extends BrowserTrackerOptions {
  /** @default { pageViews: true, clicks: false, outboundLinks: true } */
  autocapture?: boolean | AutocaptureOptions;
}

export function createTracker(options: ScriptTrackerOptions, deps?: Partial<TrackerDependencies>) {
  const capture = options.autocapture ?? true;
  return createBrowserTracker(
    capture
      ? { ...options, plugins: [...(options.plugins ?? []), autocapture(capture === true ? {} : capture)] }
      : options,
    deps,
  );
}
