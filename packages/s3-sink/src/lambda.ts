import { resolveS3ConnectionConfig, resolveSinkConfig } from "./config.js";
import { createHandler } from "./handler.js";
import { jsonLogger } from "./logger.js";
import { createS3Client, S3ObjectStore } from "./storage/object-store.js";

/**
 * The Lambda entry point. Configuration is read and checked here, once per cold start, so a bad
 * setting fails the first invocation loudly instead of every batch in a subtler way.
 */
const config = resolveSinkConfig(process.env);
const connection = resolveS3ConnectionConfig(process.env);
const store = new S3ObjectStore(createS3Client(connection), config.bucket);
const logger = jsonLogger();
logger.info("s3 sink cold start", {
  bucket: config.bucket,
  prefix: config.prefix,
  partitioning: config.partitioning,
  reportBatchItemFailures: config.reportBatchItemFailures,
  putConcurrency: config.putConcurrency,
  region: connection.region,
  endpoint: connection.endpointUrl ?? "aws",
});

export const handler = createHandler({ store, config, logger });
