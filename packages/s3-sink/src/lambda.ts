import { resolveS3ConnectionConfig, resolveSinkConfig } from "./config.js";
import { createHandler } from "./handler.js";
import { createS3Client, S3ObjectStore } from "./storage/object-store.js";

/**
 * The Lambda entry point. Configuration is read and checked here, once per cold start, so a bad
 * setting fails the first invocation loudly instead of every batch in a subtler way.
 */
const config = resolveSinkConfig(process.env);
const store = new S3ObjectStore(createS3Client(resolveS3ConnectionConfig(process.env)), config.bucket);

export const handler = createHandler({ store, config });
