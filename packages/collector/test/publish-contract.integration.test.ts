import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublisher } from "../src/publish/create-publisher.js";
import { type KafkaClientName, kafkaClients } from "../src/publish/options.js";
import {
  type EventPublisher,
  PublishError,
  PublisherClosedError,
  PublisherOverloadedError,
  type PublishRecord,
} from "../src/publish/publisher.js";
import { stackEnv } from "./stack-env.js";
import { freePort } from "./support/free-port.js";
import { createTopics, deleteTopics, readTopic } from "./support/kafka.js";

/**
 * The EventPublisher contract, run against the real local broker for every client: what one client
 * guarantees, the other must too.
 */
const brokers = stackEnv().KAFKA_BROKERS.split(",");
const run = randomUUID().slice(0, 8);
const topicsMade: string[] = [];

async function freshTopic(partitions = 3): Promise<string> {
  const topic = `test-publish-${run}-${topicsMade.length}`;
  topicsMade.push(topic);
  await createTopics(brokers, [{ topic, partitions }]);
  return topic;
}

const records = (topic: string, tag: string, keys: string[]): PublishRecord[] =>
  keys.map((key, i) => ({ topic, key, value: JSON.stringify({ tag, key, i }) }));

afterAll(() => deleteTopics(brokers, topicsMade));

describe.each(kafkaClients.map((client) => [client]))("%s publisher", (client: KafkaClientName) => {
  let publisher: EventPublisher;
  beforeAll(() => {
    publisher = createPublisher(client, { brokers, clientId: `test-${client}`, timeoutMs: 10_000 });
  });
  afterAll(() => publisher.close());

  it("resolves once Kafka has every record, keyed, in per-key order, across coalesced concurrent publishes", async () => {
    const topic = await freshTopic();
    const calls = Array.from({ length: 60 }, (_, call) =>
      records(topic, `call-${call}`, ["shopper-a", "shopper-b", `shopper-${call % 7}`, "shopper-a"]),
    );
    const single = records(topic, "null-key", ["x"]).map((r) => ({ ...r, key: null }));
    await Promise.all([...calls.map((batch) => publisher.publish(batch)), publisher.publish(single)]);

    const read = await readTopic(brokers, topic);
    const expected = [...calls.flat(), ...single];
    expect(read.map((r) => `${r.key}|${r.value}`).sort()).toEqual(expected.map((r) => `${r.key}|${r.value}`).sort());
    // One key, one partition: the order Spark's sessionization relies on…
    for (const key of ["shopper-a", "shopper-b", "shopper-3"]) {
      expect(new Set(read.filter((r) => r.key === key).map((r) => r.partition)).size).toBe(1);
    }
    // …and within one publish, records of one key keep their order.
    for (let call = 0; call < calls.length; call++) {
      const ofA = read
        .filter((r) => r.key === "shopper-a" && JSON.parse(r.value).tag === `call-${call}`)
        .sort((x, y) => x.offset - y.offset)
        .map((r) => JSON.parse(r.value).i);
      expect(ofA).toEqual([0, 3]);
    }
    const stats = publisher.stats?.();
    expect(stats).toMatchObject({ client, inFlightBytes: 0, inFlightRecords: 0, failedPublishes: 0 });
    expect(stats?.acknowledgedRecords).toBeGreaterThanOrEqual(expected.length);
    expect(stats?.publishLatency.count).toBeGreaterThanOrEqual(calls.length + 1);
    expect(await publisher.isReady()).toBe(true);
  });

  it("writes to several topics in one publish", async () => {
    const [raw, invalid] = [await freshTopic(), await freshTopic(1)];
    await publisher.publish([...records(raw, "raw", ["k1", "k2"]), ...records(invalid, "dead", ["m1"])]);
    expect((await readTopic(brokers, raw)).map((r) => r.key).sort()).toEqual(["k1", "k2"]);
    expect((await readTopic(brokers, invalid)).map((r) => JSON.parse(r.value).tag)).toEqual(["dead"]);
  });

  it("close() waits until the records published just before it are in Kafka", async () => {
    const topic = await freshTopic();
    const closing = createPublisher(client, { brokers, clientId: `test-close-${client}`, timeoutMs: 10_000 });
    await closing.publish(records(topic, "warm-up", ["w"])); // connected, so the rest is produced at once
    const pending = Array.from({ length: 50 }, (_, call) =>
      closing.publish(records(topic, `last-${call}`, ["a", "b", "c", "d"])),
    );
    await closing.close();
    await expect(closing.publish(records(topic, "late", ["z"]))).rejects.toBeInstanceOf(PublisherClosedError);
    await Promise.all(pending); // every one was acknowledged, none rejected
    const read = await readTopic(brokers, topic);
    expect(read).toHaveLength(1 + 50 * 4);
  });

  it("rejects within the publish timeout when the broker cannot be reached, and is not ready", async () => {
    const timeoutMs = 1500;
    const nowhere = createPublisher(client, {
      brokers: [`127.0.0.1:${await freePort()}`],
      clientId: `test-down-${client}`,
      timeoutMs,
    });
    try {
      const started = performance.now();
      await expect(nowhere.publish(records("events.raw", "lost", ["k"]))).rejects.toBeInstanceOf(PublishError);
      expect(performance.now() - started).toBeLessThan(timeoutMs + 1000);
      expect(await nowhere.isReady()).toBe(false);
      expect(nowhere.stats?.().failedPublishes).toBe(1);
    } finally {
      await nowhere.close();
    }
  });

  it("refuses at once, with a typed error, what would exceed the in-flight bound, and frees it when the producer gives up", async () => {
    const maxInFlightBytes = 64 * 1024;
    const stuck = createPublisher(client, {
      brokers: [`127.0.0.1:${await freePort()}`],
      clientId: `test-bound-${client}`,
      timeoutMs: 1500,
      maxInFlightBytes,
    });
    try {
      const big = (tag: string) => [{ topic: "events.raw", key: "k", value: "x".repeat(40 * 1024) + tag }];
      const first = stuck.publish(big("first"));
      first.catch(() => undefined);
      const started = performance.now();
      await expect(stuck.publish(big("second"))).rejects.toBeInstanceOf(PublisherOverloadedError);
      expect(performance.now() - started).toBeLessThan(50);
      const during = stuck.stats?.();
      expect(during?.inFlightBytes).toBeLessThanOrEqual(maxInFlightBytes);
      expect(during?.overloadedPublishes).toBe(1);
      await expect(first).rejects.toBeInstanceOf(PublishError);
      // The bytes come back once the client itself has given up on the record, not forever held.
      await expect.poll(() => stuck.stats?.().inFlightBytes, { timeout: 15_000, interval: 100 }).toBe(0);
    } finally {
      await stuck.close();
    }
  });
});

it("puts each key in the same partition whichever client published it (Java's murmur2 partitioner)", async () => {
  const topic = await freshTopic(6);
  const keys = Array.from({ length: 40 }, (_, i) => `shopper-${i}`);
  for (const client of kafkaClients) {
    const publisher = createPublisher(client, { brokers, clientId: `test-partition-${client}`, timeoutMs: 10_000 });
    try {
      await publisher.publish(records(topic, client, keys));
    } finally {
      await publisher.close();
    }
  }
  const read = await readTopic(brokers, topic);
  expect(read).toHaveLength(keys.length * kafkaClients.length);
  for (const key of keys) {
    const partitions = read.filter((r) => r.key === key).map((r) => `${JSON.parse(r.value).tag}:${r.partition}`);
    expect(new Set(partitions.map((p) => p.split(":")[1])).size, partitions.join(" ")).toBe(1);
  }
  expect(new Set(read.map((r) => r.partition)).size).toBeGreaterThan(3);
});
