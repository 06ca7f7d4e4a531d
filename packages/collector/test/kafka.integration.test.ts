import { describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { createKafkajsPublisher } from "../src/publish/kafkajs-publisher.js";
import { validFixtures } from "./fixtures.js";
import { devConfig } from "./setup-app.js";
import { stackEnv } from "./stack-env.js";
import { readTopic, useTestTopics } from "./support/kafka.js";

const env = stackEnv();
const brokers = env.KAFKA_BROKERS.split(",");
const { run, rawTopic, invalidTopic } = useTestTopics(brokers, "test", 3);

describe("collector → real Kafka", () => {
  it("answers 200 only after the broker has every accepted event, enriched, and dead-letters the rest", async () => {
    const config = devConfig({
      ...env,
      KAFKA_TOPIC_RAW: rawTopic,
      KAFKA_TOPIC_INVALID: invalidTopic,
      COLLECTOR_PORT: "0",
    });
    const publisher = createKafkajsPublisher({
      brokers: config.kafkaBrokers,
      clientId: "collector-test",
      timeoutMs: 10_000,
    });
    const app = buildApp({ config, publisher });
    try {
      const batch = validFixtures.map((f) => ({ ...f.event, messageId: `${f.event.messageId}-${run}` }));
      const invalid = { type: "track", messageId: `bad-${run}`, anonymousId: "a" }; // no event name
      const response = await app.inject({ method: "POST", url: "/v1/batch", payload: { batch: [...batch, invalid] } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        accepted: batch.length,
        rejected: [{ index: batch.length, messageId: `bad-${run}` }],
      });
      expect((await app.inject("/ready")).statusCode).toBe(200);

      // A 200 means the broker has them all: read the topic to its end now.
      const raw = await readTopic(brokers, rawTopic);
      const collected = raw.map((r) => JSON.parse(r.value));
      expect(collected.map((c) => c.event.messageId).sort()).toEqual(batch.map((e) => e.messageId).sort());
      for (const record of raw) {
        const event = JSON.parse(record.value).event;
        expect(record.key).toBe(event.anonymousId ?? event.userId);
      }
      // One shopper's events share a key, hence a partition: the order Spark relies on.
      const shopperPartitions = new Set(raw.filter((r) => r.key === "anon-fixture-1").map((r) => r.partition));
      expect(shopperPartitions.size).toBe(1);
      const page = collected.find((c) => c.event.type === "page");
      expect(page.enrichment).toMatchObject({ browser: "Chrome", os: "Linux", ipAnonymized: "127.0.0.0" });
      expect(Date.parse(page.receivedAt)).toBeGreaterThan(Date.now() - 60_000);

      const [deadLetter] = await readTopic(brokers, invalidTopic);
      expect(JSON.parse(deadLetter?.value ?? "{}")).toMatchObject({
        stage: "collector",
        reason: { code: "schema_violation" },
        original: invalid,
      });
    } finally {
      await app.close();
      await publisher.close();
    }
  });

  it("answers 503 within the publish timeout when the broker cannot be reached", async () => {
    const config = devConfig({ KAFKA_BROKERS: "127.0.0.1:1", COLLECTOR_PUBLISH_TIMEOUT_MS: "1500" });
    const publisher = createKafkajsPublisher({
      brokers: config.kafkaBrokers,
      clientId: "collector-test",
      timeoutMs: 1500,
    });
    const app = buildApp({ config, publisher });
    try {
      const started = Date.now();
      const response = await app.inject({
        method: "POST",
        url: "/v1/batch",
        payload: { batch: [validFixtures[1]?.event] },
      });
      expect(response.statusCode).toBe(503);
      expect(Date.now() - started).toBeLessThan(5000);
      expect((await app.inject("/ready")).statusCode).toBe(503);
    } finally {
      await app.close();
      await publisher.close();
    }
  });
});
