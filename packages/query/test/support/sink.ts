/**
 * The real S3 sink's handler, run in process over Lambda-shaped Kafka batches, writing into memory: the
 * Parquet objects and dead-letter JSON lines it produces are exactly what it would PUT to S3.
 *
 * Imported from the sink's source at run time rather than as a workspace dependency: @shop/s3-sink
 * already depends on this package (its tests read with the local engine), and turbo refuses the cycle.
 */
import { fileURLToPath } from "node:url";
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

interface SinkModule {
  createHandler(dependencies: {
    store: { put(key: string, body: Uint8Array, contentType: string): Promise<void> };
    config: unknown;
    logger?: { info(): void; warn(): void; error(): void };
  }): (event: {
    eventSource: string;
    eventSourceArn: string;
    bootstrapServers: string;
    records: Record<string, MskRecord[]>;
  }) => Promise<{ batchItemFailures: unknown[] }>;
  resolveSinkConfig(env: Record<string, string>): unknown;
}

const sinkEntry = fileURLToPath(new URL("../../../s3-sink/src/index.ts", import.meta.url));

/** One Kafka record: a collected event, or any raw text (null for a tombstone) to make a dead letter. */
export type SinkInput = { readonly collected: CollectedEvent } | { readonly raw: string | null; readonly at: string };

const TOPIC = "events.raw";

/**
 * Runs the sink over `batches` (each one Lambda invocation of one topic-partition, offsets continuing
 * across batches) and returns every object it wrote, by key.
 */
export async function runSink(batches: readonly (readonly SinkInput[])[]): Promise<Map<string, Uint8Array>> {
  const sink = (await import(sinkEntry)) as SinkModule;
  const objects = new Map<string, Uint8Array>();
  const handler = sink.createHandler({
    store: {
      async put(key, body) {
        objects.set(key, body);
      },
    },
    config: sink.resolveSinkConfig({ SINK_BUCKET: "catalogue-fixture" }),
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
