import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { rejectionCodes } from "../http/responses.js";
import { LATENCY_BUCKETS_SECONDS as LATENCY_BUCKETS } from "../publish/accounting.js";
import type { PublisherStats } from "../publish/publisher.js";

export interface CollectorMetricsOptions {
  /** The publisher's own figures (EventPublisher.stats), read at scrape time so the hot path pays nothing. */
  publisherStats?: () => PublisherStats;
  /** Node process metrics (CPU, memory, event-loop lag, GC); off in tests that build many apps. */
  processMetrics?: boolean;
  /** Source ids known at start: their per-source series are exported from 0 (none: the no-source series). */
  sources?: Iterable<string>;
}

/** The source_id label of requests without one (authentication off, local development). */
const NO_SOURCE = "";

/** Events per request: a beacon's 1, the SDK's 20, a server library's few hundred, the 2,500 cap. */
const EVENTS_PER_REQUEST_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 2500];
/** Body bytes as received: one small event to the 500 KB default cap. */
const BODY_BYTES_BUCKETS = [256, 1024, 4096, 16_384, 65_536, 262_144, 524_288, 1_048_576];

/**
 * The collector's Prometheus metrics, in a registry of their own (not prom-client's global one) so
 * several apps in one process, as in tests, do not share counts. Hot-path updates are plain counter
 * increments on pre-resolved label children.
 */
export function createCollectorMetrics({
  publisherStats,
  processMetrics = true,
  sources = [],
}: CollectorMetricsOptions = {}) {
  const registry = new Registry();
  const registers = [registry];
  if (processMetrics) collectDefaultMetrics({ register: registry });

  const httpRequests = new Counter({
    name: "collector_http_requests_total",
    help: "HTTP requests answered, by route, method and status code",
    labelNames: ["route", "method", "status"] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: "collector_http_request_duration_seconds",
    help: "Time from request start to response, by route",
    labelNames: ["route"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const requestErrors = new Counter({
    name: "collector_request_errors_total",
    help: "Requests answered with an error, by error code (e.g. rate_limited, invalid_write_key, kafka_unavailable)",
    labelNames: ["code"] as const,
    registers,
  });
  const eventsAccepted = new Counter({
    name: "collector_events_accepted_total",
    help: "Events acknowledged by Kafka on the raw topic, by source (the write key's source id)",
    labelNames: ["source_id"] as const,
    registers,
  });
  const eventsRejected = new Counter({
    name: "collector_events_rejected_total",
    help: `Events rejected and dead-lettered, by reason (${Object.keys(rejectionCodes).join(", ")}) and source`,
    labelNames: ["reason", "source_id"] as const,
    registers,
  });
  // Every reason of every known source is exported from the start, at 0, so a rate or an alert on one
  // (pan_detected: a source sending card numbers) has a series before its first event.
  const known = [...sources];
  for (const source of known.length > 0 ? known : [NO_SOURCE]) {
    eventsAccepted.inc({ source_id: source }, 0);
    for (const reason of Object.keys(rejectionCodes)) eventsRejected.inc({ reason, source_id: source }, 0);
  }
  const eventsPerRequest = new Histogram({
    name: "collector_request_events",
    help: "Events per ingest request Kafka acknowledged (accepted and dead-lettered)",
    buckets: EVENTS_PER_REQUEST_BUCKETS,
    registers,
  });
  const bodyBytes = new Histogram({
    name: "collector_request_body_bytes",
    help: "Body size of ingest requests Kafka acknowledged, as received (compressed, for compressed bodies)",
    buckets: BODY_BYTES_BUCKETS,
    registers,
  });
  const produceDuration = new Histogram({
    name: "collector_kafka_produce_duration_seconds",
    help: "Time from handing a request's records to the producer until Kafka acknowledged (or refused) them all",
    labelNames: ["outcome"] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const kafkaErrors = new Counter({
    name: "collector_kafka_errors_total",
    help: "Publishes Kafka did not acknowledge, each answered 503, by cause (publish_failed, publish_timeout, publisher_overloaded, publisher_closed)",
    labelNames: ["code"] as const,
    registers,
  });
  let ownInFlightBytes = 0;
  new Gauge({
    name: "collector_publish_in_flight_bytes",
    help: "Bytes of records waiting for a Kafka acknowledgement",
    registers,
    collect() {
      this.set(publisherStats?.().inFlightBytes ?? ownInFlightBytes);
    },
  });
  if (publisherStats) registerPublisherStats(registers, publisherStats);

  const produceOk = produceDuration.labels("ok");
  const produceFailed = produceDuration.labels("error");
  const requestChildren = new Map<string, Counter.Internal>();
  const acceptedChildren = new Map<string, Counter.Internal>();
  const durationChildren = new Map<string, Histogram.Internal<"route">>();

  return {
    registry,
    /** Exports the concurrency gate's figures, read at scrape time. */
    trackGate(stats: () => { inProgress: number; waiting: number }) {
      new Gauge({
        name: "collector_requests_in_progress",
        help: "Ingest requests being worked on (at most COLLECTOR_MAX_IN_PROGRESS per process)",
        registers,
        collect() {
          this.set(stats().inProgress);
        },
      });
      new Gauge({
        name: "collector_requests_waiting",
        help: "Ingest requests waiting for their turn, bodies unread (503 overloaded after COLLECTOR_MAX_QUEUE_WAIT_MS)",
        registers,
        collect() {
          this.set(stats().waiting);
        },
      });
    },
    /** Records one answered request; label children are cached so this stays a map lookup and an add. */
    observeRequest(route: string, method: string, status: number, seconds: number) {
      const key = `${method} ${route} ${status}`;
      let requests = requestChildren.get(key);
      if (requests === undefined) {
        requests = httpRequests.labels(route, method, String(status));
        requestChildren.set(key, requests);
      }
      requests.inc();
      let duration = durationChildren.get(route);
      if (duration === undefined) {
        duration = httpDuration.labels(route);
        durationChildren.set(route, duration);
      }
      duration.observe(seconds);
    },
    requestError(code: string) {
      requestErrors.labels(code).inc();
    },
    /** One ingest request Kafka acknowledged: its event count and body size. */
    requestIngested(events: number, wireBytes: number) {
      eventsPerRequest.observe(events);
      bodyBytes.observe(wireBytes);
    },
    eventsAccepted(count: number, sourceId: string | undefined) {
      if (count <= 0) return;
      const source = sourceId ?? NO_SOURCE;
      let child = acceptedChildren.get(source);
      if (child === undefined) {
        child = eventsAccepted.labels(source);
        acceptedChildren.set(source, child);
      }
      child.inc(count);
    },
    eventRejected(reason: string, sourceId: string | undefined) {
      eventsRejected.labels(reason, sourceId ?? NO_SOURCE).inc();
    },
    /** Wraps one publish: times it, tracks its bytes as in flight, counts a failure. */
    async timePublish<T>(bytes: number, publish: () => Promise<T>): Promise<T> {
      const started = performance.now();
      ownInFlightBytes += bytes;
      try {
        const result = await publish();
        produceOk.observe((performance.now() - started) / 1000);
        return result;
      } catch (error) {
        produceFailed.observe((performance.now() - started) / 1000);
        kafkaErrors.labels(errorCodeOf(error)).inc();
        throw error;
      } finally {
        ownInFlightBytes -= bytes;
      }
    },
  };
}

export type CollectorMetrics = ReturnType<typeof createCollectorMetrics>;

const errorCodeOf = (error: unknown) =>
  typeof (error as { code?: unknown })?.code === "string" ? (error as { code: string }).code : "unknown";

/**
 * What only the publisher knows, read from its stats at scrape time: gauges as they are, its
 * ever-growing totals as Prometheus counters (advanced by the difference since the last scrape).
 */
function registerPublisherStats(registers: Registry[], read: () => PublisherStats): void {
  const gauges: Array<[string, string, (stats: PublisherStats) => number]> = [
    ["collector_publish_in_flight_records", "Records waiting for a Kafka acknowledgement", (s) => s.inFlightRecords],
    [
      "collector_publish_max_in_flight_bytes",
      "The bound on in-flight bytes; past it publishes get 503 at once",
      (s) => s.maxInFlightBytes,
    ],
  ];
  for (const [name, help, value] of gauges) {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(value(read()));
      },
    });
  }
  const totals: Array<[string, string, (stats: PublisherStats) => number]> = [
    [
      "collector_kafka_acknowledged_records_total",
      "Records Kafka acknowledged (acks=all)",
      (s) => s.acknowledgedRecords,
    ],
    ["collector_kafka_failed_records_total", "Records the producer gave up on", (s) => s.failedRecords],
    [
      "collector_kafka_client_errors_total",
      "Errors the Kafka client reported outside a publish (connections, metadata)",
      (s) => s.clientErrors,
    ],
  ];
  for (const [name, help, value] of totals) {
    let reported = 0;
    new Counter({
      name,
      help,
      registers,
      collect() {
        const now = value(read());
        if (now > reported) this.inc(now - reported);
        reported = now;
      },
    });
  }
  new Gauge({
    name: "collector_kafka_client_info",
    help: "The Kafka client in use, as a label",
    labelNames: ["client"] as const,
    registers,
    collect() {
      this.reset();
      this.labels(read().client).set(1);
    },
  });
}
