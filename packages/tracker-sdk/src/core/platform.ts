import type { EventContext, WireEvent } from "@shop/event-schema";

/**
 * The small interfaces a platform implements. The core reaches the outside world only through these,
 * so the same core runs in browsers, React Native and Node.
 */

/** What the SDK hands a transport: one Segment batch body. `sentAt` is stamped at each send attempt. */
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
  /** Events the collector refused for good (dead-lettered), from a 200 beside the accepted ones or a 400. */
  rejected?: CollectorRejection[];
}

/** The collector's reason for refusing one event of a batch (its answer's `rejected[]`). */
export interface CollectorRejection {
  /** Position of the event in the batch. */
  index: number;
  messageId?: string;
  /** e.g. schema_violation, unknown_type, control_character, pan_detected, event_too_large */
  code: string;
  message: string;
  /** JSON pointer of the offending value. */
  path?: string;
}

/** The platform's way to POST a batch. */
export interface Transport {
  send(url: string, payload: BatchPayload): Promise<TransportResult>;
  /**
   * Hands a batch to the platform while the page goes away (sendBeacon or keepalive fetch). Must not
   * block; returns whether the platform accepted it, so what it refuses stays queued for the next visit.
   */
  sendOnExit?(url: string, payload: BatchPayload): boolean;
}

/**
 * Where queued events survive a reload. Implementations never throw or reject: a full quota or a
 * missing backend degrades to memory. `getAll` sees every `put`, `remove` and `clear` called before
 * it (the queue relies on that order instead of awaiting each write).
 */
export interface EventStore {
  /** Every stored event, oldest first. */
  getAll(): Promise<WireEvent[]>;
  /** Resolves once stored (the value is not used). */
  put(events: WireEvent[]): Promise<unknown>;
  remove(messageIds: string[]): Promise<unknown>;
  clear(): Promise<unknown>;
  /** True while other tabs read and write the same events; then only the lock's leader sends them. */
  shared?(): boolean;
}

/**
 * Small synchronous key/value storage for ids, the session and the consent decision; a `Map` is one.
 * Asynchronous backends (AsyncStorage) load into memory first and expose `ready`; the tracker waits.
 */
export interface KeyValueStore {
  get(key: string): string | null | undefined;
  set(key: string, value: string): unknown;
  delete(key: string): unknown;
  ready?: Promise<unknown>;
}

/** Page or app lifecycle: the core flushes on hidden, resumes on visible, waits while offline. */
export interface Lifecycle {
  onHidden(callback: () => void): void;
  onVisible(callback: () => void): void;
  onOnline(callback: () => void): void;
  onOffline?(callback: () => void): void;
  isOnline(): boolean;
  isVisible?(): boolean;
}

/** Context the platform knows (page, locale, screen, user agent...), read at each event. */
export type PlatformContext = () => EventContext;

/** Cross-tab leader election: only the leader sends a shared queue, so no event goes out twice. */
export interface Lock {
  isLeader(): boolean;
}
