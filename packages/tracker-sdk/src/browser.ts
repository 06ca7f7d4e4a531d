/** The browser entry ("browser" export condition). */
export * from "./core/public-api.js";
export { type AutocaptureOptions, autocapture } from "./platform/browser/autocapture.js";
export { createPageContext } from "./platform/browser/context.js";
export { decorate, type IdentityOptions, identity, LINK_PARAMETER } from "./platform/browser/identity.js";
export { type BrowserTrackerOptions, createTracker, privacySignal } from "./platform/browser/index.js";
export { createBrowserKeyValueStore } from "./platform/browser/kv.js";
export { createBrowserLifecycle } from "./platform/browser/lifecycle.js";
export { createBrowserLock } from "./platform/browser/lock.js";
export { createBrowserStore } from "./platform/browser/store.js";
export { type BrowserTransportOptions, createBrowserTransport, gzip } from "./platform/browser/transport.js";
