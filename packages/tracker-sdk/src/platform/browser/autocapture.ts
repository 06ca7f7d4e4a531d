import type { Plugin } from "../../core/plugins.js";
import { navigatedFrom } from "./context.js";

export interface AutocaptureOptions {
  /** A page view on load and on every SPA navigation (pushState, replaceState, popstate, hash change) to a new URL. @default true */
  pageViews?: boolean;
  /** "Element Clicked" (or the attribute's value) for clicks on elements with a `data-track` attribute; `data-track-*` attributes become properties. @default false */
  clicks?: boolean;
  /** "Outbound Link Clicked" for links to another origin; never delays the navigation. @default true */
  outboundLinks?: boolean;
}

/**
 * Autocapture as a plugin: `createTracker({ ..., plugins: [autocapture()] })`. A separate import so
 * apps that send their own page views do not ship it (the <script> build turns it on by default).
 * Listeners use the capture phase so an app that stops propagation does not hide its clicks.
 */
export function autocapture(options: AutocaptureOptions = {}): Plugin {
  return {
    name: "autocapture",
    setup(tracker) {
      if (options.pageViews !== false) {
        let last = location.href;
        tracker.page();
        const check = () => {
          // Same-URL pushes (state-only updates) and popstate + hashchange pairs are one view or none.
          if (location.href === last) return;
          navigatedFrom(last);
          last = location.href;
          tracker.page();
        };
        for (const method of ["pushState", "replaceState"] as const) {
          const original = history[method];
          history[method] = function (this: History, ...args: Parameters<History["pushState"]>) {
            original.apply(this, args);
            check();
          };
        }
        addEventListener("popstate", check);
        addEventListener("hashchange", check);
      }
      document.addEventListener(
        "click",
        (event) => {
          const target = event.target as Element | null;
          const tagged = options.clicks && target?.closest?.("[data-track]");
          if (tagged) {
            const properties: Record<string, string> = {};
            for (const { name, value } of tagged.attributes)
              if (name.startsWith("data-track-")) properties[name.slice(11)] = value;
            tracker.track(tagged.getAttribute("data-track") || "Element Clicked", properties);
          }
          const link = options.outboundLinks !== false && (target?.closest?.("a[href]") as HTMLAnchorElement | null);
          // Queued, not sent: if the click leaves the page, the page-exit flush carries it.
          if (link && /^http/.test(link.protocol) && link.origin !== location.origin)
            tracker.track("Outbound Link Clicked", { url: link.href });
        },
        true,
      );
    },
  };
}
