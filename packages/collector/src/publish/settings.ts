import { createEnvReader, type Env } from "../env-reader.js";
import { type KafkaSecurity, readKafkaSecurity } from "./kafka-security.js";
import {
  defaultPublisherTuning,
  type KafkaClientName,
  type KafkaCompression,
  kafkaClients,
  kafkaCompressions,
} from "./options.js";

/**
 * The Kafka publisher's settings, read from the environment by `loadConfig`, which gathers every
 * problem into one ConfigError.
 */
export interface PublisherSettings {
  /** `COLLECTOR_KAFKA_CLIENT`: platformatic (@platformatic/kafka, the default: least broker CPU per event), librdkafka or kafkajs; same guarantees. */
  kafkaClient: KafkaClientName;
  /** `COLLECTOR_KAFKA_LINGER_MS`: how long the producer waits to fill a batch (default 20, chosen by measurement: bench/README.md). */
  kafkaLingerMs: number;
  /** `COLLECTOR_KAFKA_COMPRESSION`: none, gzip, lz4 (default) or zstd (librdkafka only). */
  kafkaCompression: KafkaCompression;
  /** `COLLECTOR_KAFKA_BATCH_BYTES`: largest producer batch (default 1 MiB, Kafka's default message.max.bytes). */
  kafkaBatchBytes: number;
  /** `COLLECTOR_MAX_INFLIGHT_BYTES`: bytes waiting for Kafka beyond which publishes get 503 at once (default 64 MiB). */
  maxInFlightBytes: number;
  /** `KAFKA_SECURITY_PROTOCOL`, `KAFKA_SSL_*`, `KAFKA_SASL_*`: TLS and authentication (see kafka-security.ts). */
  kafkaSecurity: KafkaSecurity;
}

export function readPublisherSettings(env: Env, problems: string[]): PublisherSettings {
  const { integer } = createEnvReader(env, problems);
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === "") return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${allowed.join(", ")} (got "${env[name]}")`);
    return fallback;
  };

  const settings: PublisherSettings = {
    kafkaClient: oneOf("COLLECTOR_KAFKA_CLIENT", kafkaClients, kafkaClients[0]),
    kafkaLingerMs: integer("COLLECTOR_KAFKA_LINGER_MS", defaultPublisherTuning.lingerMs, 0, 1000),
    kafkaCompression: oneOf("COLLECTOR_KAFKA_COMPRESSION", kafkaCompressions, defaultPublisherTuning.compression),
    kafkaBatchBytes: integer(
      "COLLECTOR_KAFKA_BATCH_BYTES",
      defaultPublisherTuning.maxBatchBytes,
      16 * 1024,
      64 * 1024 * 1024,
    ),
    maxInFlightBytes: integer(
      "COLLECTOR_MAX_INFLIGHT_BYTES",
      defaultPublisherTuning.maxInFlightBytes,
      64 * 1024,
      4 * 1024 * 1024 * 1024,
    ),
    kafkaSecurity: readKafkaSecurity(env, problems),
  };
  if (settings.kafkaClient === "kafkajs" && settings.kafkaCompression === "zstd") {
    problems.push(
      "COLLECTOR_KAFKA_COMPRESSION=zstd needs COLLECTOR_KAFKA_CLIENT=librdkafka or platformatic (kafkajs has no zstd codec here)",
    );
  }
  return settings;
}
