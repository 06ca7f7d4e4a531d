import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";
import {
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { type QueryConfig, resolveQueryConfig, s3ClientConfig } from "../../src/config.js";

const stackEnvFile = fileURLToPath(new URL("../../../../stack.env", import.meta.url));

/** The environment, with the repo's stack.env as defaults (as scripts/lib.sh does). */
export function stackEnv(): Record<string, string | undefined> {
  return { ...parseEnv(readFileSync(stackEnvFile, "utf8")), ...process.env };
}

export interface TestLake {
  readonly config: QueryConfig;
  readonly s3: S3Client;
  /** `test-<uuid>/`: this file's own corner of the bucket. */
  readonly prefix: string;
  put(key: string, body: Uint8Array | string): Promise<string>;
  remove(key: string): Promise<void>;
  /** Deletes everything under the prefix and closes the client. */
  dispose(): Promise<void>;
}

/** Connects to the real S3 server, failing with instructions when it is not running. */
export async function openTestLake(): Promise<TestLake> {
  const config = resolveQueryConfig(stackEnv());
  const s3 = new S3Client({ ...s3ClientConfig(config.s3), maxAttempts: 1 });
  try {
    await s3.send(new HeadBucketCommand({ Bucket: config.bucket }));
  } catch (error) {
    s3.destroy();
    throw new Error(
      `S3 server at ${config.s3.endpoint ?? "AWS"} with bucket ${config.bucket} is not reachable ` +
        `(${(error as Error).name}: ${(error as Error).message}). Start the local stack: bash scripts/stack/up.sh`,
    );
  }
  const prefix = `test-${randomUUID()}/`;
  return {
    config,
    s3,
    prefix,
    async put(key, body) {
      const response = await s3.send(
        new PutObjectCommand({ Bucket: config.bucket, Key: `${prefix}${key}`, Body: body }),
      );
      return response.ETag ?? "";
    },
    async remove(key) {
      await s3.send(
        new DeleteObjectsCommand({ Bucket: config.bucket, Delete: { Objects: [{ Key: `${prefix}${key}` }] } }),
      );
    },
    async dispose() {
      try {
        let token: string | undefined;
        do {
          const page = await s3.send(
            new ListObjectsV2Command({ Bucket: config.bucket, Prefix: prefix, ContinuationToken: token }),
          );
          const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
          if (keys.length > 0) {
            await s3.send(new DeleteObjectsCommand({ Bucket: config.bucket, Delete: { Objects: keys } }));
          }
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
      } finally {
        s3.destroy();
      }
    },
  };
}
