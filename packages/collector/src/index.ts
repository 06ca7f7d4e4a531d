export { type BuildAppOptions, buildApp } from "./app.js";
export { type CollectorConfig, ConfigError, loadConfig } from "./config.js";
export { CollectorError, type CollectorErrorCode, collectorErrors } from "./http/errors.js";
export { createKafkajsPublisher } from "./publish/kafkajs-publisher.js";
export type { EventPublisher, PublishRecord } from "./publish/publisher.js";
export { PublishError } from "./publish/publisher.js";
