/**
 * The real S3 sink's handler, run in process over Lambda-shaped Kafka batches, writing into memory: the
 * Parquet objects and dead-letter JSON lines it produces are exactly what it would PUT to S3.
 *
 * Imported from the sink's source at run time rather than as a workspace dependency: @shop/s3-sink
 * already depends on this package (its tests read with the local engine), and turbo refuses the cycle.
 */
import { fileURLToPath } from "node:url";
import type { S3Client } from "@aws-sdk/client-s3";
import type { CollectedEvent } from "@shop/event-schema";

interface MskRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: "CREATE_TIME";
  key: null;
  value: string | null;
  headers: [];
}

/** Where the sink PUTs its objects (the sink's ObjectStore). */
export interface SinkStore {
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
}

interface SinkModule {
  createHandler(dependencies: {
    store: SinkStore;
    config: unknown;
    logger?: { info(): void; warn(): void; error(): void };
  }): (event: {
    eventSource: string;
    eventSourceArn: string;
    bootstrapServers: string;
    records: Record<string, MskRecord[]>;
  }) => Promise<{ batchItemFailures: unknown[] }>;
  resolveSinkConfig(env: Record<string, string>): unknown;
  S3ObjectStore: new (client: S3Client, bucket: string) => SinkStore;
}

const sinkEntry = fileURLToPath(new URL("../../../s3-sink/src/index.ts", import.meta.url));

/** One Kafka record: a collected event, or any raw text (null for a tombstone) to make a dead letter. */
export type SinkInput = { readonly collected: CollectedEvent } | { readonly raw: string | null; readonly at: string };

const TOPIC = "events.raw";

/** Where the sink writes: into memory (the default), or a real bucket through the sink's own S3 store. */
export interface SinkTarget {
  readonly s3: S3Client;
  readonly bucket: string;
  /** The sink's SINK_PREFIX. */
  readonly prefix: string;
}

/**
 * Runs the sink over `batches` (each one Lambda invocation of one topic-partition, offsets continuing
 * across batches) and returns every object it wrote, by key (with the target's prefix, if any).
 */
export async function runSink(
  batches: readonly (readonly SinkInput[])[],
  target?: SinkTarget,
): Promise<Map<string, Uint8Array>> {
  const sink = (await import(sinkEntry)) as SinkModule;
  const objects = new Map<string, Uint8Array>();
  const s3Store = target ? new sink.S3ObjectStore(target.s3, target.bucket) : undefined;
  const handler = sink.createHandler({
    store: {
      async put(key, body, contentType) {
        await s3Store?.put(key, body, contentType);
        objects.set(key, body);
      },
    },
    config: sink.resolveSinkConfig(
      target ? { SINK_BUCKET: target.bucket, SINK_PREFIX: target.prefix } : { SINK_BUCKET: "catalogue-fixture" },
    ),
    logger: { info() {}, warn() {}, error() {} },
  });
  let offset = 0;
  for (const batch of batches) {
    const records = batch.map((input): MskRecord => {
      const value = "collected" in input ? JSON.stringify(input.collected) : input.raw;
      const at = "collected" in input ? input.collected.receivedAt : input.at;
      return {
        topic: TOPIC,
        partition: 0,
        offset: offset++,
        timestamp: Date.parse(at),
        timestampType: "CREATE_TIME",
        key: null,
        value: value === null ? null : Buffer.from(value, "utf8").toString("base64"),
        headers: [],
      };
    });
    const response = await handler({
      eventSource: "aws:kafka",
      eventSourceArn: "arn:aws:kafka:us-east-1:000000000000:cluster/fixture/00000000-0000-0000-0000-000000000000-1",
      bootstrapServers: "127.0.0.1:19092",
      records: { [`${TOPIC}-0`]: records },
    });
    if (response.batchItemFailures.length > 0) throw new Error("the sink failed to write a fixture batch");
  }
  return objects;
}
