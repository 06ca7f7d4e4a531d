import { randomUUID } from "node:crypto";
import type { KafkaConsumer, Message } from "@confluentinc/kafka-javascript";
import rdkafka from "@confluentinc/kafka-javascript";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll } from "vitest";

export interface ReadRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string;
}

/** Creates topics on a real broker and waits for their leaders; fails with a hint when Kafka is down. */
export async function createTopics(brokers: string[], topics: Array<{ topic: string; partitions: number }>) {
  const admin = new Kafka({ clientId: "collector-test", brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `Kafka is not reachable at ${brokers.join(",")}: start the stack with \`make up\` (${String(error)})`,
    );
  }
  try {
    await admin.createTopics({
      topics: topics.map(({ topic, partitions }) => ({ topic, numPartitions: partitions })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(brokers: string[], topics: string[]) {
  const admin = new Kafka({ clientId: "collector-test", brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics });
  } catch {
    // Cleanup only: a leftover test topic is harmless.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const call = <T>(run: (done: (error: unknown, value: T) => void) => void): Promise<T> =>
  new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));

/**
 * Every record in `topic` up to its current end, read with librdkafka from the beginning of each
 * partition (no consumer group, so no rebalance wait). librdkafka decodes every codec natively, so
 * this also checks what the kafkajs publisher compressed with our LZ4 codec.
 */
export async function readTopic(brokers: string[], topic: string, timeoutMs = 20_000): Promise<ReadRecord[]> {
  const consumer: KafkaConsumer = new rdkafka.KafkaConsumer(
    {
      "bootstrap.servers": brokers.join(","),
      "group.id": `collector-test-${randomUUID()}`,
      "enable.auto.commit": false,
      log_level: 0,
    },
    { "auto.offset.reset": "earliest" },
  );
  await call((done) => consumer.connect({ timeout: 10_000 }, done));
  try {
    const metadata = await call<{ topics: Array<{ name: string; partitions: Array<{ id: number }> }> }>((done) =>
      consumer.getMetadata({ topic, timeout: 10_000 }, done),
    );
    const partitions = metadata.topics.find((t) => t.name === topic)?.partitions.map((p) => p.id) ?? [];
    const ends = new Map<number, number>();
    for (const partition of partitions) {
      const { highOffset } = await call<{ highOffset: number; lowOffset: number }>((done) =>
        consumer.queryWatermarkOffsets(topic, partition, 10_000, done),
      );
      if (highOffset > 0) ends.set(partition, highOffset);
    }
    const records: ReadRecord[] = [];
    if (ends.size === 0) return records;
    consumer.assign([...ends.keys()].map((partition) => ({ topic, partition, offset: 0 })));
    const next = new Map<number, number>([...ends.keys()].map((p) => [p, 0]));
    const deadline = Date.now() + timeoutMs;
    while ([...ends].some(([p, end]) => (next.get(p) ?? 0) < end)) {
      if (Date.now() > deadline) {
        throw new Error(
          `read ${records.length} records of ${topic} before the timeout; ends ${JSON.stringify([...ends])}`,
        );
      }
      const messages = await call<Message[]>((done) => consumer.consume(1000, done));
      for (const message of messages) {
        records.push({
          partition: message.partition,
          offset: message.offset,
          key: message.key === undefined || message.key === null ? null : message.key.toString(),
          value: message.value?.toString() ?? "",
        });
        next.set(message.partition, Math.max(next.get(message.partition) ?? 0, message.offset + 1));
      }
    }
    return records;
  } finally {
    await call((done) => consumer.disconnect(done)).catch(() => undefined);
  }
}

/**
 * A raw and an invalid topic of this test file's own (unique names, with `run` the unique part for
 * ids), created before its tests and deleted after: tests never see each other's records.
 */
export function useTestTopics(brokers: string[], name: string, rawPartitions: number) {
  const run = randomUUID().slice(0, 8);
  const topics = { run, rawTopic: `${name}-${run}.raw`, invalidTopic: `${name}-${run}.invalid` };
  beforeAll(async () => {
    await createTopics(brokers, [
      { topic: topics.rawTopic, partitions: rawPartitions },
      { topic: topics.invalidTopic, partitions: 1 },
    ]);
  });
  afterAll(async () => {
    await deleteTopics(brokers, [topics.rawTopic, topics.invalidTopic]);
  });
  return topics;
}
