import type { BatchPayload, Transport, TransportResult } from "../core/types.js";

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * POSTs a batch with fetch. The body goes as text/plain so browsers treat it as a CORS-simple request
 * (no preflight round trip); the collector parses text/plain as JSON.
 */
export function createFetchTransport(fetchImpl: typeof fetch = globalThis.fetch): Transport {
  return {
    async send(url: string, payload: BatchPayload): Promise<TransportResult> {
      try {
        const response = await fetchImpl(url, {
          method: "POST",
          headers: { "content-type": "text/plain;charset=UTF-8" },
          body: JSON.stringify(payload),
          keepalive: false,
        });
        const retryAfter = retryAfterMs(response.headers.get("retry-after"));
        return { status: response.status, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) };
      } catch {
        return { status: 0 };
      }
    },
  };
}
