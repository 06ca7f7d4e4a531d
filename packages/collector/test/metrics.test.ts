import { describe, expect, it } from "vitest";
import { createCollectorMetrics } from "../src/metrics/collector-metrics.js";
import type { PublisherStats } from "../src/publish/publisher.js";
import { invalidFixtures, validFixtures } from "./fixtures.js";
import { setupApp } from "./setup-app.js";

/** The value of one sample in a Prometheus text exposition, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? "").split(",").filter(Boolean);
    if (wanted.every((label) => have.includes(label)) && have.length === wanted.length) return Number(match[3]);
  }
  return undefined;
}

describe("GET /metrics", () => {
  it("counts requests by route and status, events accepted and rejected by reason, and Kafka errors", async () => {
    const { app, failWith } = setupApp({ COLLECTOR_WRITE_KEYS: "wk=shop" });
    const headers = { "x-write-key": "wk" };
    const batch = [validFixtures[0]?.event, validFixtures[1]?.event, invalidFixtures[0]?.event];
    await app.inject({ method: "POST", url: "/v1/batch", headers, payload: { batch } });
    await app.inject({ method: "POST", url: "/v1/batch", payload: { batch } }); // no key: 401
    failWith(true);
    await app.inject({ method: "POST", url: "/v1/batch", headers, payload: { batch } });
    await app.inject("/nowhere");

    const response = await app.inject("/metrics");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/plain");
    const text = response.body;
    const requests = (status: string) =>
      sample(text, "collector_http_requests_total", { route: "/v1/batch", method: "POST", status });
    expect([requests("200"), requests("401"), requests("503")]).toEqual([1, 1, 1]);
    expect(sample(text, "collector_http_requests_total", { route: "unmatched", method: "GET", status: "404" })).toBe(1);
    expect(sample(text, "collector_events_accepted_total", { source_id: "shop" })).toBe(2);
    // Counted only once the dead letter is in Kafka: not for the request that got a 503.
    const reason = invalidFixtures[0]?.expect.code ?? "";
    expect(sample(text, "collector_events_rejected_total", { reason, source_id: "shop" })).toBe(1);
    expect(sample(text, "collector_request_errors_total", { code: "missing_write_key" })).toBe(1);
    expect(sample(text, "collector_request_errors_total", { code: "kafka_unavailable" })).toBe(1);
    expect(sample(text, "collector_kafka_errors_total", { code: "publish_failed" })).toBe(1);
    expect(sample(text, "collector_kafka_produce_duration_seconds_count", { outcome: "ok" })).toBe(1);
    expect(sample(text, "collector_kafka_produce_duration_seconds_count", { outcome: "error" })).toBe(1);
    expect(sample(text, "collector_http_request_duration_seconds_count", { route: "/v1/batch" })).toBe(3);
    expect(sample(text, "collector_publish_in_flight_bytes")).toBe(0);
  });

  it("counts events per source, exports every known source from 0, and sizes requests", async () => {
    const { app } = setupApp({ COLLECTOR_WRITE_KEYS: "wk-web=web,wk-app=app,wk-idle=idle" });
    const send = (key: string, batch: unknown[]) =>
      app.inject({ method: "POST", url: "/v1/batch", headers: { "x-write-key": key }, payload: { batch } });
    await send("wk-web", [validFixtures[0]?.event, validFixtures[1]?.event]);
    await send("wk-app", [validFixtures[0]?.event, invalidFixtures[0]?.event]);
    const text = (await app.inject("/metrics")).body;
    const accepted = (source: string) => sample(text, "collector_events_accepted_total", { source_id: source });
    expect([accepted("web"), accepted("app"), accepted("idle")]).toEqual([2, 1, 0]);
    const reason = invalidFixtures[0]?.expect.code ?? "";
    expect(sample(text, "collector_events_rejected_total", { reason, source_id: "app" })).toBe(1);
    expect(sample(text, "collector_events_rejected_total", { reason: "pan_detected", source_id: "idle" })).toBe(0);
    // Two requests of two events each.
    expect(sample(text, "collector_request_events_count")).toBe(2);
    expect(sample(text, "collector_request_events_sum")).toBe(4);
    expect(sample(text, "collector_request_events_bucket", { le: "1" })).toBe(0);
    expect(sample(text, "collector_request_events_bucket", { le: "2" })).toBe(2);
    const bodies = sample(text, "collector_request_body_bytes_sum") ?? 0;
    expect(bodies).toBeGreaterThan(200);
    expect(sample(text, "collector_request_body_bytes_count")).toBe(2);
  });

  it("sizes a compressed body as received", async () => {
    const { gzipSync } = await import("node:zlib");
    const { app } = setupApp();
    const text = JSON.stringify({ batch: Array.from({ length: 20 }, () => validFixtures[0]?.event) });
    const payload = gzipSync(text);
    await app.inject({ method: "POST", url: "/v1/batch", headers: { "content-encoding": "gzip" }, payload });
    const metrics = (await app.inject("/metrics")).body;
    expect(sample(metrics, "collector_request_body_bytes_sum")).toBe(payload.length);
    expect(sample(metrics, "collector_events_accepted_total", { source_id: "" })).toBe(20);
  });

  it("reports bytes as in flight while Kafka has not answered", async () => {
    const metrics = createCollectorMetrics({ processMetrics: false });
    let acknowledge: () => void = () => undefined;
    const publishing = metrics.timePublish(1234, () => new Promise<void>((resolve) => (acknowledge = resolve)));
    expect(sample(await metrics.registry.metrics(), "collector_publish_in_flight_bytes")).toBe(1234);
    acknowledge();
    await publishing;
    expect(sample(await metrics.registry.metrics(), "collector_publish_in_flight_bytes")).toBe(0);
  });

  it("reports the publisher's own figures when it has stats: gauges as they are, totals as counters", async () => {
    const stats: PublisherStats = {
      client: "librdkafka",
      inFlightBytes: 42,
      inFlightRecords: 3,
      maxInFlightBytes: 64 * 1024 * 1024,
      acknowledgedRecords: 100,
      failedRecords: 2,
      failedPublishes: 1,
      overloadedPublishes: 0,
      timedOutPublishes: 1,
      clientErrors: 5,
      publishLatency: { bucketsSeconds: [0.01], counts: [1], sumSeconds: 0.005, count: 1 },
    };
    const metrics = createCollectorMetrics({ processMetrics: false, publisherStats: () => stats });
    let text = await metrics.registry.metrics();
    expect(sample(text, "collector_publish_in_flight_bytes")).toBe(42);
    expect(sample(text, "collector_publish_in_flight_records")).toBe(3);
    expect(sample(text, "collector_publish_max_in_flight_bytes")).toBe(64 * 1024 * 1024);
    expect(sample(text, "collector_kafka_acknowledged_records_total")).toBe(100);
    expect(sample(text, "collector_kafka_client_errors_total")).toBe(5);
    expect(sample(text, "collector_kafka_client_info", { client: "librdkafka" })).toBe(1);
    stats.acknowledgedRecords = 250;
    stats.inFlightBytes = 0;
    text = await metrics.registry.metrics();
    expect(sample(text, "collector_kafka_acknowledged_records_total")).toBe(250);
    expect(sample(text, "collector_publish_in_flight_bytes")).toBe(0);
  });

  it("includes Node process metrics by default", async () => {
    const metrics = createCollectorMetrics();
    const text = await metrics.registry.metrics();
    expect(text).toContain("process_cpu_seconds_total");
    expect(text).toContain("nodejs_eventloop_lag_seconds");
  });
});
