/** One Kafka record to publish. The key decides the partition, so one shopper's events stay in order. */
export interface PublishRecord {
  topic: string;
  key: string | null;
  value: string;
}

/**
 * What a publisher reports about itself, read at scrape time for `/metrics` (so the hot path pays
 * nothing). Counters only grow; gauges are the value right now.
 */
export interface PublisherStats {
  /** Which Kafka client publishes (`librdkafka`, `kafkajs` or `platformatic`). */
  client: string;
  /** Gauge: bytes (keys + values) handed to the producer and not yet acknowledged or failed. */
  inFlightBytes: number;
  /** Gauge: records handed to the producer and not yet acknowledged or failed. */
  inFlightRecords: number;
  /** The bound on `inFlightBytes`; a publish that would cross it is refused at once. */
  maxInFlightBytes: number;
  /** Counter: records Kafka acknowledged (acks=all). */
  acknowledgedRecords: number;
  /** Counter: records the producer gave up on (broker error or delivery timeout). */
  failedRecords: number;
  /** Counter: publishes rejected: failure, timeout, overload or closed. */
  failedPublishes: number;
  /** Counter: publishes refused because the in-flight bound was reached (a subset of `failedPublishes`). */
  overloadedPublishes: number;
  /** Counter: publishes whose time ran out before Kafka answered (a subset of `failedPublishes`). */
  timedOutPublishes: number;
  /** Counter: errors the client reported outside a publish (lost connections, metadata failures). */
  clientErrors: number;
  /** Time from `publish` to its last acknowledgement, of publishes that succeeded, as a Prometheus histogram. */
  publishLatency: LatencyHistogram;
}

/** A cumulative histogram in Prometheus' shape: `counts[i]` publishes took at most `bucketsSeconds[i]`. */
export interface LatencyHistogram {
  bucketsSeconds: readonly number[];
  counts: number[];
  sumSeconds: number;
  count: number;
}

/**
 * The collector's only view of Kafka.
 *
 * - `publish` resolves once the broker has acknowledged every record of this call (acks=all from an
 *   idempotent producer) and rejects with a {@link PublishError} otherwise: broker error, no answer
 *   within the publish timeout, in-flight bound reached ({@link PublisherOverloadedError}) or
 *   publisher closed ({@link PublisherClosedError}). Callers never answer 200 before it resolves.
 *   Records of concurrent calls are coalesced into the same producer batches.
 * - `isReady` tells whether the broker answers right now (for `/ready`).
 * - `close` refuses new publishes, waits until everything already handed over is acknowledged (or
 *   has failed), then disconnects.
 * - `stats`, when present, reports the figures in {@link PublisherStats} for `/metrics`.
 */
export interface EventPublisher {
  publish(records: PublishRecord[]): Promise<void>;
  isReady(): Promise<boolean>;
  close(): Promise<void>;
  stats?(): PublisherStats;
}

/** Kafka did not take the records. Retrying later may succeed: the HTTP layer answers 503. */
export class PublishError extends Error {
  readonly code: string = "publish_failed";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PublishError";
  }
}

/** The in-flight bound is reached: refused at once instead of queueing without limit. */
export class PublisherOverloadedError extends PublishError {
  override readonly code = "publisher_overloaded";
  /** A hint for Retry-After: an overload clears as soon as the broker catches up. */
  readonly retryAfterSeconds = 1;
  constructor(inFlightBytes: number, requestBytes: number, maxInFlightBytes: number) {
    super(
      `${inFlightBytes} bytes are waiting for Kafka; ${requestBytes} more would exceed the bound of ${maxInFlightBytes}`,
    );
    this.name = "PublisherOverloadedError";
  }
}

/** Kafka did not acknowledge within the publish timeout. The records may still land (at-least-once). */
export class PublishTimeoutError extends PublishError {
  override readonly code = "publish_timeout";
  constructor(timeoutMs: number) {
    super(`Kafka did not acknowledge within ${timeoutMs} ms`);
    this.name = "PublishTimeoutError";
  }
}

/** `close` was called: the collector is shutting down. */
export class PublisherClosedError extends PublishError {
  override readonly code = "publisher_closed";
  constructor() {
    super("the publisher is closed");
    this.name = "PublisherClosedError";
  }
}
