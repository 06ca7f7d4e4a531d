/**
 * The walking skeleton, end to end, on the real local stack (nothing mocked):
 * @shop/tracker → collector (HTTP) → Kafka → s3-sink runner (the Lambda handler) → Parquet on the
 * S3-compatible store → PySpark sessionization → the query engine reads both back.
 * Every run uses its own topics and S3 prefix, so it never sees another run's data.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp, createKafkajsPublisher, loadConfig } from "@shop/collector";
import { createLocalEngine } from "@shop/query";
import { createTracker } from "@shop/tracker";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainToLake, sparkJob, stackS3 } from "./support/jobs.js";
import { stackEnv } from "./support/stack-env.js";
import { ownTopics } from "./support/topics.js";

const env = stackEnv();
const runId = randomUUID().slice(0, 8);
const rawTopic = `e2e-${runId}.raw`;
const invalidTopic = `e2e-${runId}.invalid`;
const prefix = `e2e-${runId}`;
const bucket = env.S3_BUCKET ?? "shop-analytics-local";
const kafka = new Kafka({ clientId: "e2e", brokers: env.KAFKA_BROKERS.split(","), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const cacheDir = mkdtempSync(join(tmpdir(), "shop-e2e-"));
const s3 = stackS3(env);
let dropTopics: (() => Promise<void>) | undefined;

beforeAll(async () => {
  await admin.connect();
  dropTopics = await ownTopics(admin, { [rawTopic]: 3, [invalidTopic]: 1 });
});

afterAll(async () => {
  await dropTopics?.();
  await admin.disconnect();
  s3.destroy();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe("walking skeleton", () => {
  it("an event tracked by the SDK is read back by the query engine with the same messageId", async () => {
    // 1. The collector, listening on a free loopback port, publishing to this run's topics.
    const config = loadConfig({
      ...env,
      COLLECTOR_PORT: "0",
      KAFKA_TOPIC_RAW: rawTopic,
      KAFKA_TOPIC_INVALID: invalidTopic,
      COLLECTOR_WRITE_KEYS: "e2e-key=e2e-source",
    });
    const publisher = createKafkajsPublisher({ brokers: config.kafkaBrokers, clientId: "e2e", timeoutMs: 10_000 });
    const app = buildApp({ config, publisher });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    const port = typeof address === "object" && address ? address.port : 0;

    // 2. The SDK, in Node, over real HTTP.
    const tracker = createTracker({ host: `http://127.0.0.1:${port}`, writeKey: "e2e-key", flushAt: 10 });
    tracker.page("Home");
    const viewedId = tracker.track("Product Viewed", { product_id: "sku-e2e", price: 50, currency: "BRL" });
    const orderId = tracker.track("Order Completed", { order_id: `order-${runId}`, revenue: 99.5, currency: "BRL" });
    await tracker.close();
    await app.close();
    await publisher.close();
    expect(tracker.stats()).toEqual({ queued: 0, sent: 3, dropped: 0, rejected: 0 });

    // 3. The sink's local runner drains the topic into Parquet under this run's prefix.
    await drainToLake(env, rawTopic, `e2e-${runId}`, prefix);

    // 4. Spark sessionizes the day.
    const today = new Date().toISOString().slice(0, 10);
    const sparkSummary = await sparkJob(env, "shop_jobs.jobs.sessionize_batch", [
      ...["--events-path", `s3a://${bucket}/${prefix}/events`],
      ...["--sessions-path", `s3a://${bucket}/${prefix}/sessions`, "--date", today],
    ]);
    expect(sparkSummary).toMatchObject({ sessions: 1, events: 3 });

    // 5. The query engine reads events and sessions back from the S3-compatible store.
    const engine = await createLocalEngine({ s3, bucket, prefix, cacheDir });
    try {
      const events = await engine.query<{
        event_id: string;
        event_name: string | null;
        revenue: number | null;
        source_id: string;
      }>("SELECT event_id, event_name, revenue, source_id FROM events ORDER BY event_ts");
      expect(events.map((e) => e.event_id)).toContain(viewedId);
      expect(events.find((e) => e.event_id === orderId)).toMatchObject({
        event_name: "Order Completed",
        revenue: 99.5,
        source_id: "e2e-source",
      });
      expect(events).toHaveLength(3);
      const sessions = await engine.query<{ event_count: number; orders: number; revenue: number }>(
        "SELECT event_count, orders, revenue FROM sessions",
      );
      expect(sessions).toEqual([{ event_count: 3, orders: 1, revenue: 99.5 }]);
    } finally {
      await engine.close();
    }
  });
});
