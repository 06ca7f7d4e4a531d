import { createKafkajsPublisher } from "./kafkajs-publisher.js";
import { createLibrdkafkaPublisher } from "./librdkafka-publisher.js";
import type { KafkaClientName, PublisherOptions } from "./options.js";
import { createPlatformaticPublisher } from "./platformatic-publisher.js";
import type { EventPublisher } from "./publisher.js";

const publishers: Record<KafkaClientName, (options: PublisherOptions) => EventPublisher> = {
  librdkafka: createLibrdkafkaPublisher,
  kafkajs: createKafkajsPublisher,
  platformatic: createPlatformaticPublisher,
};

/** The publisher for `client`; all keep the same contract (see EventPublisher). */
export function createPublisher(client: KafkaClientName, options: PublisherOptions): EventPublisher {
  return publishers[client](options);
}

/** The settings `loadConfig` read, as publisher options. */
export function publisherOptionsFrom(config: {
  kafkaBrokers: string[];
  kafkaClientId: string;
  publishTimeoutMs: number;
  kafkaLingerMs: number;
  kafkaCompression: PublisherOptions["compression"];
  kafkaBatchBytes: number;
  maxInFlightBytes: number;
  kafkaSecurity: PublisherOptions["security"];
}): PublisherOptions {
  return {
    brokers: config.kafkaBrokers,
    clientId: config.kafkaClientId,
    timeoutMs: config.publishTimeoutMs,
    lingerMs: config.kafkaLingerMs,
    compression: config.kafkaCompression,
    maxBatchBytes: config.kafkaBatchBytes,
    maxInFlightBytes: config.maxInFlightBytes,
    security: config.kafkaSecurity,
  };
}
