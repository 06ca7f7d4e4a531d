import { Kafka, logLevel } from "kafkajs";

/**
 * A bench run's own topics on the real broker (the raw one with the stack's 6 partitions), the count
 * of records stored in the raw one (to check nothing acknowledged is missing), and their deletion.
 */
export async function benchTopics(brokers: string[], prefix: string) {
  const admin = new Kafka({ clientId: "collector-bench", brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const [rawTopic, invalidTopic] = [`${prefix}.raw`, `${prefix}.invalid`];
  await admin.createTopics({
    topics: [
      { topic: rawTopic, numPartitions: 6 },
      { topic: invalidTopic, numPartitions: 1 },
    ],
    waitForLeaders: true,
  });
  return {
    rawTopic,
    invalidTopic,
    async storedRecords(): Promise<number> {
      const offsets = await admin.fetchTopicOffsets(rawTopic);
      return offsets.reduce((sum, p) => sum + Number(p.high), 0);
    },
    async dispose() {
      await admin.deleteTopics({ topics: [rawTopic, invalidTopic] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
