import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";

export interface ReadTopicOptions<T> {
  brokers: readonly string[];
  topic: string;
  /** Stop early once this holds for what was read (e.g. every fraud case has an alert). */
  enough?: (records: readonly T[]) => boolean;
  /** After the topic's end (as of the start) is read, wait this long for a new record before stopping. */
  settleMs: number;
  /** Give up after this long in all. */
  timeoutMs: number;
}

/** A record's value (UTF-8) and its Kafka timestamp (the producer's time: when it was published). */
export type ParseRecord<T> = (value: string, producedAt: number) => T | undefined;

/**
 * Every record on the topic, from its first offset, that `parse` turns into a T (others are skipped): a
 * consumer in a group of its own that commits nothing, so reading a run never moves anyone's offsets.
 */
export async function readTopic<T>(options: ReadTopicOptions<T>, parse: ParseRecord<T>): Promise<T[]> {
  const kafka = new Kafka({ clientId: "shop-bench-reader", brokers: [...options.brokers], logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(options.topic);
  await admin.disconnect();
  const remaining = new Map(ends.map((p) => [p.partition, Number(p.high)]));
  for (const [partition, high] of remaining) if (high === 0) remaining.delete(partition);

  const records: T[] = [];
  const consumer = kafka.consumer({ groupId: `shop-bench-reader-${randomUUID()}`, maxWaitTimeInMs: 500 });
  let lastNewAt = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (remaining.has(partition) && Number(message.offset) + 1 >= (remaining.get(partition) as number)) {
        remaining.delete(partition);
      }
      let record: T | undefined;
      try {
        record = parse(message.value?.toString("utf8") ?? "", Number(message.timestamp));
      } catch {
        // Not JSON: nothing to read.
      }
      if (record === undefined) return;
      records.push(record);
      lastNewAt = Date.now();
    },
  });
  const started = Date.now();
  try {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = Date.now();
      if (now - started > options.timeoutMs) break;
      if (remaining.size > 0) continue;
      if (options.enough?.(records)) break;
      if (now - lastNewAt > options.settleMs) break;
    }
  } finally {
    await consumer.disconnect();
  }
  return records;
}
