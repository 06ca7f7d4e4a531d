import { Kafka, logLevel as KafkaLogLevel } from "kafkajs";
import type { Logger } from "../logger.js";

export interface TopicRecord {
  readonly topic: string;
  readonly value: Buffer | null;
}

export interface ReaderOptions {
  readonly brokers: readonly string[];
  readonly topics: readonly string[];
  readonly groupId: string;
  readonly logger: Logger;
  readonly onRecord: (record: TopicRecord) => void;
}

export interface Reader {
  stop(): Promise<void>;
}

/**
 * Reads the topics from the earliest offset and hands each record to `onRecord`. The dashboard only
 * displays: it commits nothing on purpose (a restart reads the topics again to rebuild its state), and a
 * record that fails to parse is the caller's to log, never a reason to stop.
 */
export async function startReader(options: ReaderOptions): Promise<Reader> {
  const { logger } = options;
  const kafka = new Kafka({
    clientId: "shop-dashboard",
    brokers: [...options.brokers],
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...fields } = log;
        (level <= KafkaLogLevel.ERROR ? logger.error : logger.warn)(`kafkajs: ${message}`, fields);
      },
  });
  // A short fetch wait: a record reaches the page within about a second on an idle topic.
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, message }) => options.onRecord({ topic, value: message.value }),
    });
  } catch (error) {
    await consumer.disconnect();
    throw error;
  }
  return { stop: () => consumer.disconnect() };
}
