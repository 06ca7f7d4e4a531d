import { type KafkaSecurity, plaintext } from "./kafka-security.js";

/** The Kafka clients the collector can publish with (`COLLECTOR_KAFKA_CLIENT`). */
export const kafkaClients = ["librdkafka", "kafkajs"] as const;
export type KafkaClientName = (typeof kafkaClients)[number];

/** Producer compression (`COLLECTOR_KAFKA_COMPRESSION`). kafkajs gets LZ4 through our lz4-napi codec, no zstd. */
export const kafkaCompressions = ["none", "gzip", "lz4", "zstd"] as const;
export type KafkaCompression = (typeof kafkaCompressions)[number];

/** What either publisher needs; both keep the same guarantees (idempotent, acks=all, ack before resolve). */
export interface PublisherOptions {
  brokers: string[];
  clientId: string;
  /** Upper bound for one publish; a timeout rejects it and the HTTP layer answers 503. */
  timeoutMs: number;
  /** How long an idle producer waits to fill a batch. @default 5 */
  lingerMs?: number;
  /** @default "gzip" (every Kafka client reads it; lz4 is cheaper when all consumers support it) */
  compression?: KafkaCompression;
  /** Bound on bytes handed to the producer and not yet settled; beyond it publishes are refused at once. @default 64 MiB */
  maxInFlightBytes?: number;
  /** Largest producer batch (kafkajs: one sendBatch; librdkafka: `batch.size` per partition). @default 1 MiB */
  maxBatchBytes?: number;
  /** TLS and SASL (SCRAM, PLAIN, MSK IAM). @default PLAINTEXT */
  security?: KafkaSecurity;
}

export type ResolvedPublisherOptions = Required<PublisherOptions>;

export const defaultPublisherTuning = {
  lingerMs: 5,
  // Not lz4, although it costs less CPU (see bench/README.md): kafkajs consumers, such as the
  // s3-sink's local runner, read only gzip without a codec plugin.
  compression: "gzip",
  maxInFlightBytes: 64 * 1024 * 1024,
  maxBatchBytes: 1024 * 1024,
} as const satisfies Partial<PublisherOptions>;

/** Fills in the defaults, once, when a publisher is created. */
export function resolvePublisherOptions(options: PublisherOptions): ResolvedPublisherOptions {
  return {
    brokers: options.brokers,
    clientId: options.clientId,
    timeoutMs: options.timeoutMs,
    lingerMs: options.lingerMs ?? defaultPublisherTuning.lingerMs,
    compression: options.compression ?? defaultPublisherTuning.compression,
    maxInFlightBytes: options.maxInFlightBytes ?? defaultPublisherTuning.maxInFlightBytes,
    maxBatchBytes: options.maxBatchBytes ?? defaultPublisherTuning.maxBatchBytes,
    security: options.security ?? plaintext,
  };
}
