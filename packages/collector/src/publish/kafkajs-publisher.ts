import { type Admin, Kafka, logLevel, type Producer } from "kafkajs";
import { type EventPublisher, PublishError, type PublishRecord } from "./publisher.js";

export interface KafkajsPublisherOptions {
  brokers: string[];
  clientId: string;
  /** Upper bound for one publish, retries included; the HTTP layer turns a timeout into a 503. */
  timeoutMs: number;
}

/**
 * Publisher on kafkajs: idempotent producer (no duplicates from its own retries), acks from all
 * in-sync replicas. The producer connects lazily and reconnects by itself after a broker outage.
 */
export function createKafkajsPublisher(options: KafkajsPublisherOptions): EventPublisher {
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(3000, options.timeoutMs),
    requestTimeout: options.timeoutMs,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: Math.max(200, Math.floor(options.timeoutMs / 4)) },
  });
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  let connecting: Promise<void> | undefined;
  let admin: Admin | undefined;

  const connect = (): Promise<void> => {
    connecting ??= producer.connect().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    return connecting;
  };
  producer.on(producer.events.DISCONNECT, () => {
    connecting = undefined;
  });

  const withTimeout = async <T>(work: Promise<T>, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PublishError(`${what} timed out after ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    async publish(records: PublishRecord[]) {
      if (records.length === 0) return;
      const byTopic = new Map<string, Array<{ key: string | null; value: string }>>();
      for (const record of records) {
        const messages = byTopic.get(record.topic) ?? [];
        messages.push({ key: record.key, value: record.value });
        byTopic.set(record.topic, messages);
      }
      try {
        await withTimeout(
          (async () => {
            await connect();
            await producer.sendBatch({
              acks: -1,
              timeout: options.timeoutMs,
              topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
            });
          })(),
          "publish to Kafka",
        );
      } catch (error) {
        throw error instanceof PublishError
          ? error
          : new PublishError("Kafka did not acknowledge the records", { cause: error });
      }
    },
    async isReady() {
      try {
        admin ??= kafka.admin();
        await withTimeout(
          (async () => {
            await admin?.connect();
            await admin?.fetchTopicMetadata({ topics: [] });
          })(),
          "Kafka readiness check",
        );
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await Promise.allSettled([producer.disconnect(), admin?.disconnect()]);
    },
  };
}
