import type { BatchPayload, Transport, TransportResult } from "../core/platform.js";

/** Reads Retry-After as seconds or an HTTP date; undefined when absent, unreadable or zero. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  return (header && Math.max(0, +header * 1000 || Date.parse(header) - now)) || undefined;
}

/** Turns a fetch answer (or its failure) into a TransportResult; never rejects. */
export async function settle(request: Promise<Response>): Promise<TransportResult> {
  try {
    const response = await request;
    // The collector lists the events it dead-lettered: in a 200 beside the accepted ones, in the
    // details of a 400 (no_valid_events) when it accepted none.
    const body = await response.json().catch(() => 0);
    return {
      status: response.status,
      retryAfterMs: retryAfterMs(response.headers.get("retry-after")),
      rejected: body?.rejected ?? body?.error?.details?.rejected,
    };
  } catch {
    return { status: 0 };
  }
}

/**
 * POSTs a batch with fetch (Node, React Native). The body goes as text/plain so browsers treat it as
 * a CORS-simple request (no preflight round trip); the collector parses text/plain as JSON.
 */
export function createFetchTransport(fetchImpl: typeof fetch = (...args) => globalThis.fetch(...args)): Transport {
  return {
    send: (url: string, payload: BatchPayload) =>
      settle(
        fetchImpl(url, {
          method: "POST",
          headers: { "content-type": "text/plain;charset=UTF-8" },
          body: JSON.stringify(payload),
        }),
      ),
  };
}
