export { type BuildAppOptions, buildApp } from "./app.js";
export { type CollectorConfig, ConfigError, loadConfig } from "./config.js";
export { CollectorError, type CollectorErrorCode, collectorErrors } from "./http/errors.js";
export { createPublisher, publisherOptionsFrom } from "./publish/create-publisher.js";
export { createKafkajsPublisher } from "./publish/kafkajs-publisher.js";
export { createLibrdkafkaPublisher } from "./publish/librdkafka-publisher.js";
export type { KafkaClientName, KafkaCompression, PublisherOptions } from "./publish/options.js";
export { createPlatformaticPublisher } from "./publish/platformatic-publisher.js";
export type { EventPublisher, LatencyHistogram, PublisherStats, PublishRecord } from "./publish/publisher.js";
export {
  PublishError,
  PublisherClosedError,
  PublisherOverloadedError,
  PublishTimeoutError,
} from "./publish/publisher.js";
export type { PublisherSettings } from "./publish/settings.js";
