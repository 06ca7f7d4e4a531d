import {
  type LatencyHistogram,
  PublisherOverloadedError,
  type PublisherStats,
  PublishTimeoutError,
} from "./publisher.js";

/** Upper bounds (seconds) of the publish latency histogram: a local acks=all round trip is a few ms. */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The in-flight bound and the counters behind {@link PublisherStats}, shared by both clients. No I/O:
 * the publishers call it when records are handed over and when the client reports their fate.
 *
 * Bytes stay "in flight" until the client itself is done with the records (acknowledged, or failed
 * by its own delivery timeout), not merely until the HTTP request gave up waiting: what bounds memory
 * is what the producer still holds.
 */
export class PublishAccounting {
  private inFlightBytes = 0;
  private inFlightRecords = 0;
  private acknowledgedRecords = 0;
  private failedRecords = 0;
  private failedPublishes = 0;
  private overloadedPublishes = 0;
  private timedOutPublishes = 0;
  private clientErrors = 0;
  private readonly latency: LatencyHistogram = {
    bucketsSeconds: LATENCY_BUCKETS_SECONDS,
    counts: LATENCY_BUCKETS_SECONDS.map(() => 0),
    sumSeconds: 0,
    count: 0,
  };

  constructor(
    private readonly client: string,
    readonly maxInFlightBytes: number,
  ) {}

  /**
   * Takes `bytes` of the bound or throws {@link PublisherOverloadedError}. A publish is always let
   * through when nothing is in flight, so one request larger than the bound cannot be refused forever.
   */
  admit(records: number, bytes: number): void {
    if (this.inFlightBytes > 0 && this.inFlightBytes + bytes > this.maxInFlightBytes) {
      this.overloadedPublishes += 1;
      this.failedPublishes += 1;
      throw new PublisherOverloadedError(this.inFlightBytes, bytes, this.maxInFlightBytes);
    }
    this.inFlightBytes += bytes;
    this.inFlightRecords += records;
  }

  /** The client is done with `records` records: acknowledged (`ok`) or given up on. */
  settled(records: number, ok: boolean): void {
    this.inFlightRecords -= records;
    if (ok) this.acknowledgedRecords += records;
    else this.failedRecords += records;
  }

  /** Gives back what {@link admit} took, once the client is done with every record of a publish. */
  release(bytes: number): void {
    this.inFlightBytes -= bytes;
  }

  publishSucceeded(seconds: number): void {
    const { latency } = this;
    latency.count += 1;
    latency.sumSeconds += seconds;
    for (let i = latency.bucketsSeconds.length - 1; i >= 0; i--) {
      if (seconds > (latency.bucketsSeconds[i] as number)) break;
      latency.counts[i] = (latency.counts[i] as number) + 1;
    }
  }

  publishFailed(error: unknown): void {
    this.failedPublishes += 1;
    if (error instanceof PublishTimeoutError) this.timedOutPublishes += 1;
  }

  clientError(): void {
    this.clientErrors += 1;
  }

  get idle(): boolean {
    return this.inFlightRecords === 0;
  }

  stats(): PublisherStats {
    return {
      client: this.client,
      inFlightBytes: this.inFlightBytes,
      inFlightRecords: this.inFlightRecords,
      maxInFlightBytes: this.maxInFlightBytes,
      acknowledgedRecords: this.acknowledgedRecords,
      failedRecords: this.failedRecords,
      failedPublishes: this.failedPublishes,
      overloadedPublishes: this.overloadedPublishes,
      timedOutPublishes: this.timedOutPublishes,
      clientErrors: this.clientErrors,
      publishLatency: { ...this.latency, counts: [...this.latency.counts] },
    };
  }
}
