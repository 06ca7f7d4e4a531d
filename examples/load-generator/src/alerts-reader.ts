import { randomUUID } from "node:crypto";
import { Kafka, logLevel } from "kafkajs";
import type { SeenAlert } from "./score.js";

export interface ReadAlertsOptions {
  brokers: readonly string[];
  topic: string;
  /** Stop early once this holds for what was read (e.g. every fraud case has an alert). */
  enough?: (alerts: readonly SeenAlert[]) => boolean;
  /** After the topic's end (as of the start) is read, wait this long for a new alert before stopping. */
  settleMs: number;
  /** Give up after this long in all. */
  timeoutMs: number;
}

/**
 * Every alert record on the topic, from its first offset: a consumer in a group of its own that commits
 * nothing, so scoring a run never moves anyone's offsets. Records that are not JSON alerts are skipped.
 */
export async function readAlerts(options: ReadAlertsOptions): Promise<SeenAlert[]> {
  const kafka = new Kafka({ clientId: "shop-fraud-score", brokers: [...options.brokers], logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(options.topic);
  await admin.disconnect();
  const remaining = new Map(ends.map((p) => [p.partition, Number(p.high)]));
  for (const [partition, high] of remaining) if (high === 0) remaining.delete(partition);

  const alerts: SeenAlert[] = [];
  const consumer = kafka.consumer({ groupId: `shop-fraud-score-${randomUUID()}`, maxWaitTimeInMs: 500 });
  let lastNewAt = Date.now();
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (remaining.has(partition) && Number(message.offset) + 1 >= (remaining.get(partition) as number)) {
        remaining.delete(partition);
      }
      try {
        const record = JSON.parse(message.value?.toString("utf8") ?? "") as Omit<SeenAlert, "producedAt">;
        if (typeof record.alertId !== "string" || typeof record.eventId !== "string") return;
        alerts.push({ ...record, producedAt: Number(message.timestamp) });
        lastNewAt = Date.now();
      } catch {
        // Not an alert record: nothing to score.
      }
    },
  });
  const started = Date.now();
  try {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const now = Date.now();
      if (now - started > options.timeoutMs) break;
      if (remaining.size > 0) continue;
      if (options.enough?.(alerts)) break;
      if (now - lastNewAt > options.settleMs) break;
    }
  } finally {
    await consumer.disconnect();
  }
  return alerts;
}
