import { createWriteStream } from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  type S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { StoreError, StoreUnreachableError } from "../errors.js";
import { normalizeEtag, type ObjectStore, type RemoteObject } from "./object-store.js";

// Node's errno codes for "nobody answered" (the documented `code` property, not message text).
const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

function storeError(error: unknown, bucket: string, action: string): Error {
  if (error instanceof NoSuchBucket) {
    return new StoreError("STORE_BUCKET_NOT_FOUND", `bucket ${bucket} does not exist`, { cause: error });
  }
  if (error instanceof S3ServiceException) {
    const status = error.$metadata.httpStatusCode;
    const code = status === 403 ? "STORE_ACCESS_DENIED" : "STORE_REQUEST_FAILED";
    return new StoreError(code, `${action} in bucket ${bucket} failed: ${status ?? "?"} ${error.name}`, {
      cause: error,
    });
  }
  const errno = (error as { code?: unknown }).code;
  const timedOut = error instanceof Error && error.name === "TimeoutError"; // smithy's request timeout
  if ((typeof errno === "string" && networkCodes.has(errno)) || timedOut) {
    const detail = error instanceof Error ? error.message : String(error);
    return new StoreUnreachableError(`cannot reach the S3 endpoint for bucket ${bucket} (${detail})`, {
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** ObjectStore over an S3 client (AWS or any S3-compatible server, via the client's endpoint). */
export function createS3ObjectStore(client: S3Client, bucket: string): ObjectStore {
  async function call<T>(action: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw storeError(error, bucket, action);
    }
  }

  return {
    label: bucket,

    async listPrefixes(prefix) {
      const prefixes: string[] = [];
      let token: string | undefined;
      do {
        const page = await call(`listing ${prefix}`, () =>
          client.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: "/", ContinuationToken: token }),
          ),
        );
        for (const p of page.CommonPrefixes ?? []) if (p.Prefix) prefixes.push(p.Prefix);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return prefixes;
    },

    async listObjects(prefix) {
      const objects: RemoteObject[] = [];
      let token: string | undefined;
      do {
        const page = await call(`listing ${prefix}`, () =>
          client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })),
        );
        for (const o of page.Contents ?? []) {
          if (o.Key) objects.push({ key: o.Key, etag: normalizeEtag(o.ETag), size: o.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return objects;
    },

    async download(key, path) {
      return call(`downloading ${key}`, async () => {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!response.Body) throw new StoreError("STORE_REQUEST_FAILED", `GET ${key} returned no body`);
        await pipeline(response.Body as Readable, createWriteStream(path));
        return { key, etag: normalizeEtag(response.ETag), size: response.ContentLength ?? 0 };
      });
    },
  };
}
