import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { S3ConnectionConfig } from "../config.js";
import { ObjectStoreError } from "../errors.js";

/** Where the sink's objects go. A PUT of an existing key replaces it: the exactly-once scheme relies on that. */
export interface ObjectStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
}

export function createS3Client(connection: S3ConnectionConfig): S3Client {
  return new S3Client({
    region: connection.region,
    forcePathStyle: connection.forcePathStyle,
    ...(connection.endpointUrl === undefined ? {} : { endpoint: connection.endpointUrl }),
    ...(connection.credentials === undefined ? {} : { credentials: connection.credentials }),
  });
}

/** S3 (or an S3-compatible server) as an ObjectStore.  */
export class S3ObjectStore implements ObjectStore {
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
}
