import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Admin, Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createKafkajsPublisher } from "../src/publish/kafkajs-publisher.js";
import { stackEnv } from "./stack-env.js";

const require = createRequire(import.meta.url);
const validFixtures: Array<{ event: Record<string, unknown> }> = JSON.parse(
  readFileSync(require.resolve("@shop/event-schema/fixtures/wire/valid.json"), "utf8"),
);

const env = stackEnv();
const run = randomUUID().slice(0, 8);
const rawTopic = `test-${run}.raw`;
const invalidTopic = `test-${run}.invalid`;
const kafka = new Kafka({
  clientId: "collector-test",
  brokers: env.KAFKA_BROKERS.split(","),
  logLevel: logLevel.NOTHING,
});
let admin: Admin;

async function consumeAll(
  topic: string,
  expected: number,
): Promise<Array<{ key: string | null; value: string; partition: number }>> {
  const consumer = kafka.consumer({ groupId: `test-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: Array<{ key: string | null; value: string; partition: number }> = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.length}/${expected} records on ${topic}`)), 20_000);
    void consumer.run({
      eachMessage: async ({ message, partition }) => {
        seen.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? "", partition });
        if (seen.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

beforeAll(async () => {
  admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `Kafka is not reachable at ${env.KAFKA_BROKERS}: start the stack with \`make up\` (${String(error)})`,
    );
  }
  await admin.createTopics({
    topics: [
      { topic: rawTopic, numPartitions: 3 },
      { topic: invalidTopic, numPartitions: 1 },
    ],
    waitForLeaders: true,
  });
});

afterAll(async () => {
  await admin.deleteTopics({ topics: [rawTopic, invalidTopic] }).catch(() => undefined);
  await admin.disconnect();
});

describe("collector → real Kafka", () => {
  it("answers 200 only after the broker has every accepted event, enriched, and dead-letters the rest", async () => {
    const config = loadConfig({
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

      const raw = await consumeAll(rawTopic, batch.length);
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

      const [deadLetter] = await consumeAll(invalidTopic, 1);
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
    const config = loadConfig({ KAFKA_BROKERS: "127.0.0.1:1", COLLECTOR_PUBLISH_TIMEOUT_MS: "1500" });
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
