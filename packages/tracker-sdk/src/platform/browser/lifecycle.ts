import type { Lifecycle } from "../../core/platform.js";

/**
 * Page lifecycle. Hidden is both `visibilitychange: hidden` and `pagehide`: mobile browsers may kill
 * a hidden page without another event, and some navigations fire only pagehide.
 */
export function createBrowserLifecycle(): Lifecycle {
  const visible = () => document.visibilityState !== "hidden";
  const onVisibility = (state: boolean, callback: () => void) =>
    document.addEventListener("visibilitychange", () => visible() === state && callback());
  return {
    onHidden(callback) {
      onVisibility(false, callback);
      addEventListener("pagehide", callback);
    },
    onVisible: (callback) => onVisibility(true, callback),
    onOnline: (callback) => addEventListener("online", callback),
    isOnline: () => navigator.onLine !== false,
    isVisible: visible,
  };
}
