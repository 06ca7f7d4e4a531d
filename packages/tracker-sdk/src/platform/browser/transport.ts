import type { BatchPayload, Transport } from "../../core/platform.js";
import { settle } from "../fetch-transport.js";

/** Browsers cap the bodies of all keepalive requests (beacons included) in flight at 64 KiB. */
const KEEPALIVE_BUDGET = 65_536;

/** A compressed body and the request headers that say how it is encoded. */
export type CompressedBody = [body: Blob, headers: Record<string, string>];

export interface BrowserTransportOptions {
  /**
   * Compresses the body of regular sends, e.g. `compress: gzip` (exported next to createTracker); an
   * undefined answer sends the JSON as it is. The Content-Encoding header makes the request
   * preflighted, and the collector must accept it; page-exit sends stay uncompressed and simple.
   * @default undefined (off)
   */
  compress?: (json: string) => Promise<CompressedBody | undefined>;
}

/**
 * Gzip with CompressionStream; undefined (send plain) where the browser has none. The headers are
 * made here rather than in the transport, so a page that does not compress carries none of it.
 */
export async function gzip(json: string): Promise<CompressedBody | undefined> {
  if (typeof CompressionStream !== "function") return undefined;
  const stream = new Blob([json]).stream().pipeThrough(new CompressionStream("gzip"));
  return [await new Response(stream).blob(), { "content-type": "text/plain", "content-encoding": "gzip" }];
}

/**
 * fetch for regular sends, keepalive while the body fits what is left of the 64 KiB budget so a batch
 * in flight outlives the page; sendBeacon (or keepalive fetch) on page exit. A string body goes as
 * text/plain: a CORS-simple request needs no preflight, which would not finish while the page unloads.
 */
export function createBrowserTransport(options: BrowserTransportOptions = {}): Transport {
  /** Bytes of our keepalive requests still in flight. */
  let inFlight = 0;
  const encoder = new TextEncoder();
  // Not `new Blob([body]).size`: each Blob is registered with the browser process, which costs more
  // than the rest of a send.
  const sizeOf = (body: string | Blob) => (typeof body === "string" ? encoder.encode(body).length : body.size);
  const post = (url: string, body: string | Blob, headers?: Record<string, string>) => {
    const size = sizeOf(body);
    // Over the budget a keepalive fetch is refused outright; a plain one still works while the page lives.
    const keepalive = inFlight + size <= KEEPALIVE_BUDGET;
    if (keepalive) inFlight += size;
    return settle(fetch(url, { method: "POST", body, keepalive, headers })).then((result) => {
      if (keepalive) inFlight -= size;
      // A page that goes away fails its fetches just before pagehide, keepalive ones included, which
      // still reach the collector. Answering a moment later lets the queue's page-exit delivery see
      // this batch in flight and leave it to the keepalive request instead of sending it twice.
      return result.status ? result : new Promise<typeof result>((resolve) => setTimeout(resolve, 50, result));
    });
  };
  return {
    async send(url: string, payload: BatchPayload) {
      const json = JSON.stringify(payload);
      const [body, headers] = (await options.compress?.(json)) ?? [json];
      return post(url, body, headers);
    },
    sendOnExit(url: string, payload: BatchPayload) {
      const body = JSON.stringify(payload);
      if (inFlight + sizeOf(body) > KEEPALIVE_BUDGET) return false;
      try {
        // sendBeacon answers false when the browser's own keepalive budget is spent. Every browser
        // that runs this build has it (since 2018); where it throws, the events stay queued.
        return navigator.sendBeacon(url, body);
      } catch {
        return false;
      }
    },
  };
}
