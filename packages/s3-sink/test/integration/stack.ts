import { randomUUID } from "node:crypto";
import { Socket } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { resolveS3ConnectionConfig } from "../../src/config.js";
import { findStackEnv, withStackDefaults } from "../../src/local/stack-env.js";
import { createS3Client } from "../../src/storage/object-store.js";

/** The environment, with the repo's stack.env as defaults: tests run against the real local stack. */
export const env = withStackDefaults(process.env, findStackEnv(dirname(fileURLToPath(import.meta.url))));
export const brokers = (env.KAFKA_BROKERS ?? "").split(",").filter(Boolean);
export const bucket = env.SINK_BUCKET ?? env.S3_BUCKET ?? "";

export const uniqueId = (label: string) => `${label}-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;

const tcpReachable = (hostPort: string, timeoutMs = 2_000) =>
  new Promise<boolean>((resolve) => {
    const [host, port] = [
      hostPort.slice(0, hostPort.lastIndexOf(":")),
      Number(hostPort.slice(hostPort.lastIndexOf(":") + 1)),
    ];
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(port, host, () => done(true));
  });

export function s3Client(): S3Client {
  return createS3Client(resolveS3ConnectionConfig(env));
}

const hint =
  "start the local stack with `bash scripts/stack/up.sh` (settings in stack.env; override with KAFKA_BROKERS, S3_ENDPOINT_URL, S3_BUCKET)";

/** Fails with what to do when Kafka is down, instead of timing out somewhere inside a test. */
export async function requireKafka(): Promise<void> {
  if (brokers.length === 0) throw new Error(`KAFKA_BROKERS is not set; ${hint}`);
  for (const broker of brokers) {
    if (!(await tcpReachable(broker))) throw new Error(`Kafka is not reachable at ${broker}; ${hint}`);
  }
}

/** Fails with what to do when the S3 server or its bucket is missing. */
export async function requireS3(s3: S3Client): Promise<void> {
  if (!bucket) throw new Error(`S3_BUCKET is not set; ${hint}`);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    throw new Error(
      `S3 bucket ${bucket} is not reachable at ${env.S3_ENDPOINT_URL}: ${(error as Error).message}; ${hint}`,
    );
  }
}

export async function listObjects(
  s3: S3Client,
  prefix: string,
): Promise<Array<{ key: string; etag: string; size: number }>> {
  const out: Array<{ key: string; etag: string; size: number }> = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) out.push({ key: o.Key ?? "", etag: o.ETag ?? "", size: o.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

export async function getObject(s3: S3Client, key: string): Promise<{ bytes: Uint8Array; contentType: string }> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return {
    bytes: await (response.Body?.transformToByteArray() ?? new Uint8Array()),
    contentType: response.ContentType ?? "",
  };
}
