import {
  type Connection,
  compatibilityPartitioner,
  GenericError,
  type MessageToProduce,
  type Partitioner,
  ProduceAcks,
  Producer,
  type ProducerOptions,
} from "@platformatic/kafka";
import type { PublishAccounting } from "./accounting.js";
import { type BatchClient, coalescingPublisher } from "./coalescing-publisher.js";
import { platformaticSecurityConfig } from "./kafka-security.js";
import { type PublisherOptions, type ResolvedPublisherOptions, resolvePublisherOptions } from "./options.js";
import type { EventPublisher } from "./publisher.js";

/** Longest wait for a new connection; a publish's own timeout may be shorter. */
const CONNECT_TIMEOUT_MS = 3000;

type Message = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

/**
 * Java's partitioner, as librdkafka (`murmur2_random`) and kafkajs are set to: one shopper's events
 * land in the same partition whichever client published them. A record without a key goes to a
 * random partition (the library's own default would put them all on partition 0).
 */
const javaCompatiblePartitioner: Partitioner<Buffer, Buffer, Buffer, Buffer> = (message, key) =>
  key === undefined ? Math.floor(Math.random() * 0x7fffffff) : compatibilityPartitioner(message, key);

/**
 * What went wrong, from an error of the library: it wraps the reason in "Producing messages failed.",
 * "… failed 4 times." and "Connection to … failed.", so this follows the chain to the innermost
 * errors of the library itself and to the first error that is not the library's (a TLS error of
 * Node's, our MSK IAM token error), and joins their messages.
 */
export function describePlatformaticError(error: unknown): string {
  const messages = new Set<string>();
  const visit = (value: unknown, depth: number) => {
    if (!(value instanceof Error) || depth > 8) return;
    const nested = !GenericError.isGenericError(value)
      ? []
      : [...(value instanceof AggregateError ? value.errors : []), value.cause].filter(
          (inner) => inner instanceof Error,
        );
    if (nested.length === 0) messages.add(value.message);
    for (const inner of nested) visit(inner, depth + 1);
  };
  visit(error, 0);
  return [...messages].join("; ");
}

/** The producer's settings: the same guarantees as the other two clients. */
function producerOptions(options: ResolvedPublisherOptions): ProducerOptions<Buffer, Buffer, Buffer, Buffer> {
  return {
    clientId: options.clientId,
    bootstrapBrokers: options.brokers,
    // Idempotence: producer id and sequence numbers, so the library's own retries neither duplicate
    // nor reorder; acks from all in-sync replicas.
    idempotent: true,
    acks: ProduceAcks.ALL,
    compression: options.compression,
    partitioner: javaCompatiblePartitioner,
    autocreateTopics: false,
    connectTimeout: Math.min(CONNECT_TIMEOUT_MS, options.timeoutMs),
    requestTimeout: options.timeoutMs,
    timeout: options.timeoutMs,
    // Bounded retries so that a batch stuck on a dead broker settles (and frees the pipeline and its
    // in-flight bytes) soon after its publishes timed out.
    retries: 3,
    retryDelay: (_client, _operation, attempt) =>
      Math.min(100 * 2 ** (attempt - 1), Math.max(200, options.timeoutMs / 4)),
    ...platformaticSecurityConfig(options.security),
  };
}

/**
 * Publisher on @platformatic/kafka: one produce request per broker with every partition's records in
 * it (librdkafka sends one per partition), which is what the broker's CPU per event follows. Like
 * kafkajs it sends what it is given at once, so a {@link coalescingPublisher} merges the records of
 * concurrent publishes, and every batch lingers `lingerMs` as librdkafka's do: measured in
 * bench/README.md, this cut the broker's CPU per event to 0.3× of the settings before #13.
 */
export function createPlatformaticPublisher(publisherOptions: PublisherOptions): EventPublisher {
  const options = resolvePublisherOptions(publisherOptions);
  return coalescingPublisher("platformatic", options, (accounting) => platformaticClient(options, accounting), {
    lingerEveryBatch: true,
  });
}

function platformaticClient(options: ResolvedPublisherOptions, accounting: PublishAccounting): BatchClient {
  const settings = producerOptions(options);
  // A connection that fails after its handshake (a TLS alert, a broker closing it) fails the
  // requests on it with a bare "Connection closed"; the reason comes as the connection's error event.
  let lastConnectionError: string | undefined;
  const newProducer = () => {
    const producer = new Producer<Buffer, Buffer, Buffer, Buffer>(settings);
    producer.on("client:broker:failed", () => accounting.clientError());
    producer.on("client:broker:connect", ({ connection }: { connection: Connection }) => {
      connection.on("error", (error: Error) => {
        lastConnectionError = describePlatformaticError(error);
        accounting.clientError();
      });
    });
    return producer;
  };
  let current = newProducer();

  return {
    async send(records) {
      const messages = records.map(
        ({ topic, key, value }): Message => (key === null ? { topic, value } : { topic, key: Buffer.from(key), value }),
      );
      const producer = current;
      try {
        await producer.send({ messages });
        lastConnectionError = undefined;
      } catch (error) {
        // The library has taken this batch's sequence numbers whether or not the broker wrote it; a
        // new producer (new producer id, fresh sequences) keeps the next batch from being taken for a
        // retry of this one, or refused as out of order. The same hazard as with kafkajs.
        if (current === producer) {
          current = newProducer();
          void producer.close(true).catch(() => undefined);
        }
        throw error;
      }
    },
    async checkReady() {
      // One attempt: readiness is a probe, and the publish timeout bounds it anyway.
      await current.metadata({ topics: [], forceUpdate: true, retries: 0 });
    },
    async disconnect() {
      await current.close().catch(() => undefined);
    },
    describeError(error) {
      const reason = describePlatformaticError(error);
      return lastConnectionError && !reason.includes(lastConnectionError)
        ? `${reason} (${lastConnectionError})`
        : reason;
    },
  };
}
