import { type Admin, CompressionTypes, Kafka, logLevel, type Producer } from "kafkajs";
import type { PublishAccounting } from "./accounting.js";
import { type BatchClient, coalescingPublisher } from "./coalescing-publisher.js";
import { kafkajsSecurityConfig } from "./kafka-security.js";
import { registerKafkajsLz4 } from "./lz4-codec.js";
import { type PublisherOptions, type ResolvedPublisherOptions, resolvePublisherOptions } from "./options.js";
import type { EventPublisher } from "./publisher.js";

const compressionTypes = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  lz4: CompressionTypes.LZ4,
} as const;

/**
 * Publisher on kafkajs: idempotent producer (no duplicates from its own retries), acks from all
 * in-sync replicas. kafkajs sends one request per `sendBatch` and batches nothing by itself, so the
 * records of concurrent publishes are merged by a {@link coalescingPublisher}. The producer connects
 * lazily and reconnects by itself after a broker outage.
 */
export function createKafkajsPublisher(publisherOptions: PublisherOptions): EventPublisher {
  const options = resolvePublisherOptions(publisherOptions);
  if (options.compression === "zstd") throw new Error("kafkajs has no zstd codec here; use lz4, gzip or none");
  if (options.compression === "lz4") registerKafkajsLz4();
  const compression = compressionTypes[options.compression];
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(3000, options.timeoutMs),
    requestTimeout: options.timeoutMs,
    // Bounded retries so that a batch stuck on a dead broker settles (and frees the pipeline and its
    // in-flight bytes) soon after its publishes timed out.
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: Math.max(200, Math.floor(options.timeoutMs / 4)) },
    ...kafkajsSecurityConfig(options.security),
  });
  return coalescingPublisher(
    "kafkajs",
    options,
    (accounting) => kafkajsClient(kafka, accounting, options, compression),
    {
      lingerEveryBatch: false,
    },
  );
}

function kafkajsClient(
  kafka: Kafka,
  accounting: PublishAccounting,
  options: ResolvedPublisherOptions,
  compression: CompressionTypes,
): BatchClient {
  let admin: Admin | undefined;

  /** A producer with its own connection state; replaced after every failed send (see `send`). */
  const newProducer = () => {
    const producer: Producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    let connecting: Promise<void> | undefined;
    producer.on(producer.events.DISCONNECT, () => {
      connecting = undefined;
    });
    return {
      producer,
      connect(): Promise<void> {
        connecting ??= producer.connect().catch((error: unknown) => {
          connecting = undefined;
          accounting.clientError();
          throw error;
        });
        return connecting;
      },
    };
  };
  let current = newProducer();

  return {
    async send(records) {
      const byTopic = new Map<string, Array<{ key: string | null; value: Buffer }>>();
      for (const { topic, key, value } of records) {
        let messages = byTopic.get(topic);
        if (messages === undefined) {
          messages = [];
          byTopic.set(topic, messages);
        }
        messages.push({ key, value });
      }
      const { producer, connect } = current;
      try {
        await connect();
        await producer.sendBatch({
          acks: -1,
          timeout: options.timeoutMs,
          compression,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      } catch (error) {
        // kafkajs hands a failed request's sequence numbers to the next batch. If the broker did write
        // the failed one (only its answer was lost), it then takes the next, different batch for a
        // retry of it: acknowledged, never written. A new producer gets a new producer id and fresh
        // sequences, so that cannot happen. (Found by test/faults.integration.test.ts.)
        if (current.producer === producer) {
          current = newProducer();
          void producer.disconnect().catch(() => undefined);
        }
        throw error;
      }
    },
    async checkReady() {
      admin ??= kafka.admin();
      await admin.connect();
      await admin.fetchTopicMetadata({ topics: [] });
    },
    async disconnect() {
      await Promise.allSettled([current.producer.disconnect(), admin?.disconnect()]);
    },
  };
}
