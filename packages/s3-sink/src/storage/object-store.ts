import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { S3ConnectionConfig } from "../config.js";
import { ObjectStoreError } from "../errors.js";

/** Where the sink's objects go. A PUT of an existing key replaces it: the exactly-once scheme relies on that. */
export interface ObjectStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
}

export interface ListedObject {
  readonly key: string;
  readonly size: number;
}

/** What compaction needs beyond PUT: list a partition, read objects back, delete the merged ones. */
export interface LakeStore extends ObjectStore {
  /** Every object under `prefix` (a folder, ending in "/"), sorted by key. */
  list(prefix: string): Promise<ListedObject[]>;
  /** The object's bytes, or undefined when there is no such key. */
  get(key: string): Promise<Uint8Array | undefined>;
  delete(keys: readonly string[]): Promise<void>;
}

export function createS3Client(connection: S3ConnectionConfig): S3Client {
  return new S3Client({
    region: connection.region,
    forcePathStyle: connection.forcePathStyle,
    ...(connection.endpointUrl === undefined ? {} : { endpoint: connection.endpointUrl }),
    ...(connection.credentials === undefined ? {} : { credentials: connection.credentials }),
  });
}

/** S3's DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1000;

/** S3 (or an S3-compatible server) as an ObjectStore and LakeStore. */
export class S3ObjectStore implements LakeStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
      );
    } catch (cause) {
      throw new ObjectStoreError(key, { cause });
    }
  }

  async list(prefix: string): Promise<ListedObject[]> {
    const out: ListedObject[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0 });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (cause) {
      throw new ObjectStoreError(prefix, { cause, operation: "list" });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await (response.Body?.transformToByteArray() ?? new Uint8Array());
    } catch (cause) {
      if (cause instanceof NoSuchKey || (cause as { name?: string }).name === "NoSuchKey") return undefined;
      throw new ObjectStoreError(key, { cause, operation: "get" });
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const chunk = keys.slice(i, i + DELETE_BATCH);
      let errors: Array<{ Key?: string; Message?: string }> = [];
      try {
        const response = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        errors = response.Errors ?? [];
      } catch (cause) {
        throw new ObjectStoreError(chunk[0] ?? "", { cause, operation: "delete" });
      }
      const [first] = errors;
      if (first) throw new ObjectStoreError(first.Key ?? "", { cause: new Error(first.Message), operation: "delete" });
    }
  }
}
