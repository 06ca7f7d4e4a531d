/**
 * The browser-only helpers for runtimes without a page (Node, server rendering): the same names and
 * types as the browser's, doing nothing. Code shared by the server and the browser (a Next.js or
 * Remix module) imports `autocapture` from "@shop/tracker" once; the bundler gives the browser the
 * real one, and the server gets these instead of a crash on `history` or `document`.
 */
import type { Plugin } from "../core/plugins.js";
import type { AutocaptureOptions } from "./browser/autocapture.js";
import type { BrowserTransportOptions } from "./browser/transport.js";

/** Without a page there is nothing to capture: a plugin with no hooks. */
export function autocapture(_options?: AutocaptureOptions): Plugin {
  return { name: "autocapture" };
}

/** Only a browser carries Global Privacy Control or Do-Not-Track. */
export const privacySignal = (): boolean => false;

/** No CompressionStream assumed: `compress: gzip` sends plain bodies here. */
export const gzip: NonNullable<BrowserTransportOptions["compress"]> = async () => undefined;
