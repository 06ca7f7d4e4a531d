import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { createCollectorMetrics } from "../src/metrics/collector-metrics.js";
import { createPublisher, publisherOptionsFrom } from "../src/publish/create-publisher.js";
import { type KafkaClientName, kafkaClients } from "../src/publish/options.js";
import type { EventPublisher } from "../src/publish/publisher.js";
import { devConfig } from "./setup-app.js";
import { readTopic } from "./support/kafka.js";
import { type ThrowawayBroker, throwawayBroker } from "./support/throwaway-broker.js";

/**
 * Broker stopped during traffic, then restarted, with the real collector (HTTP app + publisher) on a
 * broker of the test's own. Both clients run side by side through the same outage.
 */
const run = randomUUID().slice(0, 8);
const PUBLISH_TIMEOUT_MS = 2000;
/** Slack for the event loop and the HTTP round trip on a busy 2-core machine. */
const MARGIN_MS = 1500;
const MAX_IN_FLIGHT_BYTES = 2 * 1024 * 1024;
const rawTopic = (client: KafkaClientName) => `fault-${run}-${client}.raw`;
const invalidTopic = `fault-${run}.invalid`;

interface Outcome {
  status: number;
  startedAt: number;
  ms: number;
  retryAfter: string | undefined;
  messageIds: string[];
}

/** Sends 10-event batches over `connections` keep-alive connections until stopped; records every answer. */
function traffic(url: string, connections: number) {
  const pool = new Pool(url, { connections });
  const outcomes: Outcome[] = [];
  let sent = 0;
  let running = true;
  const loop = async (worker: number) => {
    while (running) {
      const messageIds = Array.from({ length: 10 }, () => `${run}-${worker}-${sent++}`);
      const batch = messageIds.map((messageId, i) => ({
        type: "track",
        event: "Product Viewed",
        messageId,
        anonymousId: `anon-${worker}-${i % 3}`,
        timestamp: new Date().toISOString(),
        properties: { product_id: "sku-42", price: 89.9, currency: "brl" },
      }));
      const startedAt = performance.now();
      try {
        const response = await pool.request({
          path: "/v1/batch",
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ batch }),
        });
        await response.body.dump();
        const retryAfter = response.headers["retry-after"];
        outcomes.push({
          status: response.statusCode,
          startedAt,
          ms: performance.now() - startedAt,
          retryAfter: typeof retryAfter === "string" ? retryAfter : undefined,
          messageIds,
        });
        // A real client backs off on 503; a short pause keeps the test's own load modest.
        if (response.statusCode !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      } catch (error) {
        outcomes.push({ status: 0, startedAt, ms: performance.now() - startedAt, retryAfter: undefined, messageIds });
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (!running) break;
        throw error;
      }
    }
  };
  const loops = Array.from({ length: connections }, (_, worker) => loop(worker));
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(loops);
      await pool.close();
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("broker outage during traffic", () => {
  let broker: ThrowawayBroker;
  const collectors: Array<{ client: KafkaClientName; app: FastifyInstance; publisher: EventPublisher; url: string }> =
    [];

  beforeAll(async () => {
    // kafka.sh creates the stack's four topics; the other clients' raw topics take the fraud and metrics slots.
    broker = await throwawayBroker({
      raw: rawTopic("librdkafka"),
      fraud: rawTopic("kafkajs"),
      metrics: rawTopic("platformatic"),
      invalid: invalidTopic,
      partitions: 3,
    });
    await broker.start();
    for (const client of kafkaClients) {
      const config = devConfig({
        KAFKA_BROKERS: broker.brokers.join(","),
        KAFKA_TOPIC_RAW: rawTopic(client),
        KAFKA_TOPIC_INVALID: invalidTopic,
        COLLECTOR_PORT: "0",
        COLLECTOR_KAFKA_CLIENT: client,
        COLLECTOR_PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS),
        COLLECTOR_MAX_INFLIGHT_BYTES: String(MAX_IN_FLIGHT_BYTES),
      });
      const publisher = createPublisher(config.kafkaClient, publisherOptionsFrom(config));
      const app = buildApp({ config, publisher, metrics: createCollectorMetrics({ processMetrics: false }) });
      const url = await app.listen({ host: "127.0.0.1", port: 0 });
      collectors.push({ client, app, publisher, url });
    }
  }, 120_000);

  afterAll(async () => {
    for (const { app, publisher } of collectors) {
      await app.close().catch(() => undefined);
      await publisher.close().catch(() => undefined);
    }
    await broker?.dispose();
  }, 60_000);

  it("answers 503 + Retry-After within the publish timeout, stays bounded, recovers by itself and loses nothing it acknowledged", async () => {
    const loads = collectors.map((collector) => ({ ...collector, load: traffic(collector.url, 4) }));
    await sleep(3000);
    for (const { client, load } of loads) {
      expect(load.outcomes.filter((o) => o.status === 200).length, `${client} before the outage`).toBeGreaterThan(0);
    }

    // Outage: sample memory and the in-flight bound while requests keep coming.
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    let inFlightPeak = 0;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      for (const { publisher } of collectors)
        inFlightPeak = Math.max(inFlightPeak, publisher.stats?.().inFlightBytes ?? 0);
    }, 50);
    await broker.stop();
    const downSince = performance.now();
    await sleep(PUBLISH_TIMEOUT_MS * 3);
    const downUntil = performance.now();
    clearInterval(sampler);

    for (const { client, load } of loads) {
      // Requests sent while the broker was gone: every one refused, quickly, with a Retry-After.
      const duringOutage = load.outcomes.filter((o) => o.startedAt >= downSince && o.startedAt + o.ms <= downUntil);
      expect(duringOutage.length, `${client} answers during the outage`).toBeGreaterThan(0);
      expect(new Set(duringOutage.map((o) => o.status)), client).toEqual(new Set([503]));
      expect(
        duringOutage.every((o) => o.retryAfter !== undefined),
        client,
      ).toBe(true);
      expect(Math.max(...duringOutage.map((o) => o.ms)), `${client} slowest 503 (ms)`).toBeLessThanOrEqual(
        PUBLISH_TIMEOUT_MS + MARGIN_MS,
      );
      // Nothing but 200 or 503, and never a dropped connection: the process stayed up.
      expect(
        load.outcomes.filter((o) => o.status !== 200 && o.status !== 503),
        client,
      ).toEqual([]);
    }
    expect(inFlightPeak).toBeLessThanOrEqual(MAX_IN_FLIGHT_BYTES);
    expect(rssPeak - rssBefore, "RSS growth during the outage (bytes)").toBeLessThan(200 * 1024 * 1024);

    // The broker returns; the same collectors must take events again without a restart.
    await broker.start();
    const backSince = performance.now();
    for (const { client, load } of loads) {
      await expect
        .poll(() => load.outcomes.some((o) => o.status === 200 && o.startedAt > backSince), {
          timeout: 30_000,
          interval: 200,
          message: `${client} recovers`,
        })
        .toBe(true);
    }
    await sleep(1000);
    await Promise.all(loads.map(({ load }) => load.stop()));

    // Every event acknowledged with a 200, before, during or after the outage, is in Kafka.
    for (const { client, load } of loads) {
      const acknowledged = load.outcomes.filter((o) => o.status === 200).flatMap((o) => o.messageIds);
      const stored = new Set(
        (await readTopic(broker.brokers, rawTopic(client), 30_000)).map((r) => JSON.parse(r.value).event.messageId),
      );
      const missing = acknowledged.filter((id) => !stored.has(id));
      expect(missing, `${client}: ${acknowledged.length} acknowledged`).toEqual([]);
      expect(acknowledged.length).toBeGreaterThan(0);
    }
  }, 150_000);
});
