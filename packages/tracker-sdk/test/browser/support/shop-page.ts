import { htmlPage } from "./site-server.js";

/**
 * How a shop page loads the SDK under test. The snippet follows BROWSER-API.md: the IIFE build
 * defines the global `ShopTracker`; the ESM build is imported from dist/browser.js, where autocapture is an
 * opt-in plugin, so the ESM page passes `plugins: [autocapture()]` (the documented ESM usage) unless the
 * options say `autocapture: false`, like the IIFE's default. Either way the page keeps its tracker on
 * `window.tracker` for the test to drive.
 */
export type Build = "iife" | "esm";

/** The part of the tracker the tests drive from inside the page. */
export interface PageTracker {
  track(event: string, properties?: Record<string, unknown>): unknown;
  page(...args: unknown[]): unknown;
  flush(): Promise<unknown>;
}

declare global {
  interface Window {
    tracker?: PageTracker;
    /** Set by the page's own script after the SDK snippet: proves the SDK did not break the page. */
    appAlive?: boolean;
    appClicks?: number;
  }
}

export interface ShopPageOptions {
  readonly title: string;
  /** createTracker options, serialised into the page. */
  readonly tracker: Record<string, unknown>;
  readonly build?: Build;
  readonly body?: string;
}

const appScript = `<script>
window.appAlive = true;
window.appClicks = 0;
document.addEventListener("click", (e) => { if (e.target && e.target.id === "app-button") window.appClicks++; });
</script>`;

export function shopPage({ title, tracker, build = "iife", body = "" }: ShopPageOptions): string {
  const options = JSON.stringify(tracker);
  const sdk =
    build === "iife"
      ? `<script src="/sdk/shop-tracker.iife.js"></script>
<script>window.tracker = ShopTracker.createTracker(${options});</script>`
      : `<script type="module">
import { createTracker, autocapture } from "/sdk/browser.js";
const options = ${options};
window.tracker = createTracker(
  options.autocapture === false ? options : { ...options, plugins: [autocapture()] },
);
</script>`;
  return htmlPage({ title, head: sdk, body: `${body}<button id="app-button">app</button>${appScript}` });
}
