import { type Admin, CompressionTypes, Kafka, logLevel, type Producer } from "kafkajs";
import { PublishAccounting } from "./accounting.js";
import { BatchCoalescer } from "./coalescer.js";
import type { EncodedRecord } from "./encode.js";
import { kafkajsSecurityConfig } from "./kafka-security.js";
import { registerKafkajsLz4 } from "./lz4-codec.js";
import { type PublisherOptions, resolvePublisherOptions } from "./options.js";
import { publishThrough } from "./publish-ticket.js";
import { type EventPublisher, PublishError, type PublishRecord, PublishTimeoutError } from "./publisher.js";

const compressionTypes = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  lz4: CompressionTypes.LZ4,
} as const;

/** Longest wait for the last acknowledgements in `close`; the collector's own stop deadline bounds it. */
const CLOSE_DRAIN_MS = 30_000;

/**
 * Publisher on kafkajs: idempotent producer (no duplicates from its own retries), acks from all
 * in-sync replicas. kafkajs sends one request per `sendBatch` and batches nothing by itself, so the
 * records of concurrent publishes are merged by a {@link BatchCoalescer}, one batch in flight at a
 * time. The producer connects lazily and reconnects by itself after a broker outage.
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
  const accounting = new PublishAccounting("kafkajs", options.maxInFlightBytes);
  let admin: Admin | undefined;
  let closed = false;

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

  const send = async (records: EncodedRecord[]): Promise<void> => {
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
  };
  const coalescer = new BatchCoalescer<EncodedRecord>({
    lingerMs: options.lingerMs,
    maxBatchBytes: options.maxBatchBytes,
    send,
  });

  const withTimeout = async <T>(work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PublishTimeoutError(options.timeoutMs)), options.timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    publish: (records: PublishRecord[]) =>
      publishThrough(records, { closed, accounting, timeoutMs: options.timeoutMs }, ({ encoded, bytes, ticket }) =>
        coalescer.add(encoded, bytes, (error) => {
          if (error === undefined) ticket.acknowledged(encoded.length);
          else {
            // The cause's message is the useful part ("SASL SCRAM SHA512 authentication failed: …",
            // "Connection error: unable to verify the first certificate"): it goes into ours, which is what gets logged.
            const reason = error instanceof Error ? `: ${error.message}` : "";
            ticket.failed(
              encoded.length,
              new PublishError(`Kafka did not acknowledge the records${reason}`, { cause: error }),
            );
          }
        }),
      ),
    async isReady() {
      try {
        admin ??= kafka.admin();
        await withTimeout(
          (async () => {
            await admin?.connect();
            await admin?.fetchTopicMetadata({ topics: [] });
          })(),
        );
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      closed = true;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        coalescer.drain(),
        new Promise((resolve) => {
          timer = setTimeout(resolve, Math.max(CLOSE_DRAIN_MS, options.timeoutMs));
        }),
      ]);
      clearTimeout(timer);
      await Promise.allSettled([current.producer.disconnect(), admin?.disconnect()]);
    },
    stats: () => accounting.stats(),
  };
}
