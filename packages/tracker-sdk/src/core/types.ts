import type { EventContext, WireEvent } from "@shop/event-schema";

/** What the SDK hands a transport: one Segment batch body. */
export interface BatchPayload {
  batch: WireEvent[];
  sentAt: string;
  writeKey: string;
}

/**
 * The outcome of one send. `retryAfterMs` carries the server's Retry-After; `status` 0 means the
 * request never got an answer (offline, DNS, CORS), which is always worth retrying.
 */
export interface TransportResult {
  status: number;
  retryAfterMs?: number;
}

/** The platform's way to POST a batch (fetch in browsers, React Native and Node). */
export interface Transport {
  send(url: string, payload: BatchPayload): Promise<TransportResult>;
}

export type EventInput = Omit<
  WireEvent,
  "messageId" | "anonymousId" | "userId" | "timestamp" | "sentAt" | "context"
> & {
  context?: EventContext;
};
