import type { Lifecycle } from "../../core/platform.js";

/** The part of React Native's AppState the SDK uses; the app passes it in. */
export interface AppStateLike {
  currentState: string | null;
  addEventListener(type: "change", listener: (state: string) => void): unknown;
}

/**
 * App lifecycle from AppState: "background" (and iOS's "inactive") is hidden, "active" visible. The
 * network state is the app's to tell (`isOnline`, e.g. from NetInfo); without it the SDK assumes
 * online and lets failed sends retry.
 */
export function createAppStateLifecycle(appState: AppStateLike, isOnline: () => boolean = () => true): Lifecycle {
  const active = (state: string | null) => state === "active" || state === null;
  return {
    onHidden: (callback) => void appState.addEventListener("change", (state) => active(state) || callback()),
    onVisible: (callback) => void appState.addEventListener("change", (state) => active(state) && callback()),
    onOnline() {},
    isOnline,
    isVisible: () => active(appState.currentState),
  };
}
