import type { Admin } from "kafkajs";

/**
 * Creates a test's own topics (name → partitions) on the stack's broker and waits for their leaders, so a run
 * never reads another run's records; returns what deletes them again (a failed delete is only left-over data).
 */
export async function ownTopics(admin: Admin, partitions: Record<string, number>): Promise<() => Promise<void>> {
  const topics = Object.keys(partitions);
  await admin.createTopics({
    topics: topics.map((topic) => ({ topic, numPartitions: partitions[topic] })),
    waitForLeaders: true,
  });
  return async () => {
    await admin.deleteTopics({ topics }).catch(() => undefined);
  };
}
