import { type KafkaSecurity, plaintext } from "./kafka-security.js";

/** The Kafka clients the collector can publish with (`COLLECTOR_KAFKA_CLIENT`), the default first. */
export const kafkaClients = ["platformatic", "librdkafka", "kafkajs"] as const;
export type KafkaClientName = (typeof kafkaClients)[number];

/** Producer compression (`COLLECTOR_KAFKA_COMPRESSION`). kafkajs gets LZ4 through our lz4-napi codec, no zstd. */
export const kafkaCompressions = ["none", "gzip", "lz4", "zstd"] as const;
export type KafkaCompression = (typeof kafkaCompressions)[number];

/** What every publisher needs; all keep the same guarantees (idempotent, acks=all, ack before resolve). */
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
  /** Largest producer batch (kafkajs, platformatic: one send; librdkafka: `batch.size` per partition). @default 1 MiB */
  maxBatchBytes?: number;
  /** TLS and SASL (SCRAM, PLAIN, MSK IAM). @default PLAINTEXT */
  security?: KafkaSecurity;
}

export type ResolvedPublisherOptions = Required<PublisherOptions>;

/**
 * Chosen by measurement (bench/scale.ts, figures in bench/README.md, "Open loop and the 20 ms linger"):
 * at a fixed offered load, against gzip with a 5 ms linger, LZ4 with 20 ms costs the broker 0.38–0.49×
 * the CPU per event (10 ms: 0.53–0.63×) and the collector about 0.8×, with p99 under 50 ms at batch 20.
 * A client that waits for each answer caps batches itself, so there a longer linger only adds latency.
 * The broker decompresses every batch to validate
 * it and answers every produce request, so fewer, larger batches, fewer requests (one per broker, as
 * the default client sends them, not one per partition as librdkafka does) and a cheap codec are what
 * the broker notices. zstd stores half the bytes of LZ4 (55 vs 104 per event) for a
 * little more broker CPU; choose it where storage and network cost more than CPU.
 */
export const defaultPublisherTuning = {
  lingerMs: 20,
  compression: "lz4",
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
