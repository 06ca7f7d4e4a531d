import { type BatchPayload, createFetchTransport, type Transport } from "@shop/tracker";

/** A transport for one actor: `ip()` is the shopper's address now (undefined for the shop's backend). */
export type TransportFactory = (ip: () => string | undefined) => Transport;

/**
 * fetch, with the shopper's address in X-Forwarded-For: what the shop's CDN or load balancer adds in
 * front of the collector (which believes it from the proxies in COLLECTOR_TRUST_PROXY).
 */
export const fetchTransports: TransportFactory = (ip) =>
  createFetchTransport((url, init) => {
    const address = ip();
    return globalThis.fetch(
      url,
      address ? { ...init, headers: { ...(init?.headers as object), "x-forwarded-for": address } } : init,
    );
  });

/**
 * When the collector answered 2xx for each event (epoch ms; where alert and metrics latency start) and the
 * event's own time (the minute it counts in), by messageId.
 */
export interface Ack {
  readonly ackedAt: number;
  readonly eventAt: number;
}
export type Acks = Map<string, Ack>;

/**
 * The actors run on simulated clocks (visits in the recent past, or now), but a batch is really sent
 * now: sentAt is stamped with the real time so the collector's skew correction keeps the simulated
 * times, as it does for a device that queued events offline. Accepted events are noted in `acks`.
 */
/** How many requests got each answer that was not a 2xx (0: no answer, a network error). */
export type FailedSends = Map<number, number>;

export function sendingNow(transports: TransportFactory, acks?: Acks, failed?: FailedSends): TransportFactory {
  return (ip) => {
    const transport = transports(ip);
    return {
      send: async (url, payload: BatchPayload) => {
        const result = await transport.send(url, { ...payload, sentAt: new Date().toISOString() });
        if (failed && (result.status < 200 || result.status >= 300)) {
          failed.set(result.status, (failed.get(result.status) ?? 0) + 1);
        }
        if (acks && result.status >= 200 && result.status < 300) {
          const at = Date.now();
          for (const event of payload.batch) {
            if (event.messageId) acks.set(event.messageId, { ackedAt: at, eventAt: Date.parse(event.timestamp ?? "") });
          }
        }
        return result;
      },
    };
  };
}
