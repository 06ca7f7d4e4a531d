import type { S3Client } from "@aws-sdk/client-s3";
import { DeadLetter, type StorageRow } from "@shop/event-schema";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveSinkConfig } from "../../src/config.js";
import { parseObjectKey } from "../../src/core/object-key.js";
import { partitionFor } from "../../src/core/partition.js";
import { SinkWriteError } from "../../src/errors.js";
import { createHandler } from "../../src/handler.js";
import { silentLogger } from "../../src/logger.js";
import { decodeParquet } from "../../src/parquet/encode.js";
import { type ObjectStore, S3ObjectStore } from "../../src/storage/object-store.js";
import { expectedFixtureRows, uniqueCollectedFixtures } from "../support/contract-fixtures.js";
import { collectedRecord, mskEvent, mskRecord } from "../support/msk.js";
import { bucket, env, getObject, listObjects, requireS3, s3Client, uniqueId } from "./stack.js";

let s3: S3Client;
beforeAll(async () => {
  s3 = s3Client();
  await requireS3(s3);
});
afterAll(() => s3?.destroy());

const configFor = (prefix: string, extra: Record<string, string> = {}) =>
  resolveSinkConfig({ ...env, SINK_BUCKET: bucket, SINK_PREFIX: prefix, ...extra });

/** The fixtures spread over three partitions of one topic, as Lambda would deliver them. */
function fixtureEvent(topic: string, idPrefix: string) {
  const events = uniqueCollectedFixtures(2, idPrefix);
  const records = events.map(({ collected }, i) => collectedRecord(topic, i % 3, 100 + Math.floor(i / 3), collected));
  return { events, event: mskEvent(records) };
}

const rowsOf = async (key: string) =>
  decodeParquet((await getObject(s3, key)).bytes)
    .toArray()
    .map((r) => ({ ...r.toJSON() }) as StorageRow);

describe("handler against the local S3 server", () => {
  it("writes every event once, with the contract's values, into its event-time partition", async () => {
    const prefix = uniqueId("sink-it/handler");
    const config = configFor(prefix);
    const handler = createHandler({ store: new S3ObjectStore(s3, bucket), config, logger: silentLogger });
    const { events, event } = fixtureEvent("events.raw", "h");

    expect(await handler(event)).toEqual({ batchItemFailures: [] });

    const objects = await listObjects(s3, prefix);
    expect(objects.length).toBeGreaterThan(0);
    const seen = new Map<string, StorageRow>();
    for (const { key } of objects) {
      expect(key).toMatch(/\.zstd\.parquet$/);
      expect((await getObject(s3, key)).contentType).toBe("application/vnd.apache.parquet");
      for (const row of await rowsOf(key)) {
        expect(seen.has(row.event_id), `${row.event_id} written twice`).toBe(false);
        seen.set(row.event_id, row);
        const { dt, hour } = partitionFor(row, config.partitioning);
        expect(key).toContain(`/events/dt=${dt}/hour=${String(hour).padStart(2, "0")}/`);
      }
    }
    expect(seen.size).toBe(events.length);
    for (const { fixture, collected } of events) {
      expect(seen.get(collected.event.messageId)).toEqual({
        ...expectedFixtureRows[fixture],
        event_id: collected.event.messageId,
      });
    }
  });

  it("writes the same keys with the same bytes when the same batch is handled again", async () => {
    const prefix = uniqueId("sink-it/retry");
    const handler = createHandler({
      store: new S3ObjectStore(s3, bucket),
      config: configFor(prefix),
      logger: silentLogger,
    });
    const { event } = fixtureEvent("events.raw", "r");
    await handler(event);
    const first = await listObjects(s3, prefix);
    await handler(event);
    const second = await listObjects(s3, prefix);
    expect(second.map((o) => o.key)).toEqual(first.map((o) => o.key));
    expect(second.map((o) => o.etag)).toEqual(first.map((o) => o.etag));
    // One object per (hour, topic-partition): every key's range names one of the three partitions once.
    const ranges = second.map((o) => parseObjectKey(o.key));
    expect(new Set(ranges.map((r) => `${r?.partition}+${r?.firstOffset}+${r?.lastOffset}`)).size).toBe(3);
  });

  it("dead-letters bad records with their reason while the rest of the batch lands", async () => {
    const prefix = uniqueId("sink-it/dead");
    const handler = createHandler({
      store: new S3ObjectStore(s3, bucket),
      config: configFor(prefix),
      logger: silentLogger,
    });
    const [good] = uniqueCollectedFixtures(1, "d");
    if (!good) throw new Error("no fixture");
    const { messageId: _dropped, ...withoutId } = good.collected.event;
    const noMessageId = JSON.stringify({ ...good.collected, event: withoutId });
    const kafkaTs = Date.parse("2026-11-28T11:22:33.000Z");
    await handler(
      mskEvent([
        mskRecord("events.raw", 0, 7, "this is not json", kafkaTs),
        collectedRecord("events.raw", 0, 8, good.collected),
        mskRecord("events.raw", 0, 9, noMessageId, kafkaTs),
      ]),
    );
    const keys = (await listObjects(s3, prefix)).map((o) => o.key);
    const range = "events.raw+0+00000000000000000007+00000000000000000009";
    expect(keys).toEqual([
      `${prefix}/dead-letter/sink/dt=2026-11-28/hour=10/${range}.jsonl`,
      `${prefix}/dead-letter/sink/dt=2026-11-28/hour=11/${range}.jsonl`,
      `${prefix}/events/dt=2026-11-28/hour=10/${range}.zstd.parquet`,
    ]);
    expect((await rowsOf(keys[2] as string)).map((r) => r.event_id)).toEqual([good.collected.event.messageId]);

    const check = TypeCompiler.Compile(DeadLetter);
    const lines = [];
    for (const key of keys.slice(0, 2)) {
      const { bytes, contentType } = await getObject(s3, key);
      expect(contentType).toBe("application/x-ndjson");
      lines.push(
        ...Buffer.from(bytes)
          .toString("utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l)),
      );
    }
    for (const dl of lines) expect(check.Check(dl)).toBe(true);
    // The event without messageId keeps the collector's receivedAt (10:00 hour); the non-JSON record
    // only has the Kafka timestamp (11:22).
    expect(lines.map((dl) => [dl.reason.code, dl.reason.offset, dl.original])).toEqual([
      ["not_collected_event", 9, noMessageId],
      ["not_json", 7, "this is not json"],
    ]);
    expect(lines[0].reason.path).toBe("/event/messageId");
  });

  it("reports the topic-partition whose write failed, from its first offset, and a retry completes it", async () => {
    const prefix = uniqueId("sink-it/partial");
    const real = new S3ObjectStore(s3, bucket);
    // A real S3 store for every key but partition 1's, which goes to a bucket that does not exist.
    const missingBucket = new S3ObjectStore(s3, uniqueId("no-such-bucket"));
    const flaky: ObjectStore = {
      put: (key, body, type) => (key.includes("+1+") ? missingBucket : real).put(key, body, type),
    };
    const { event } = fixtureEvent("events.raw", "p");

    const partial = createHandler({
      store: flaky,
      config: configFor(prefix, { REPORT_BATCH_ITEM_FAILURES: "true" }),
      logger: silentLogger,
    });
    expect(await partial(event)).toEqual({ batchItemFailures: [{ itemIdentifier: "events.raw-1-100" }] });
    const afterPartial = await listObjects(s3, prefix);
    expect(afterPartial.some((o) => o.key.includes("+1+"))).toBe(false);
    expect(new Set(afterPartial.map((o) => parseObjectKey(o.key)?.partition))).toEqual(new Set([0, 2]));

    const whole = createHandler({ store: flaky, config: configFor(prefix), logger: silentLogger });
    await expect(whole(event)).rejects.toBeInstanceOf(SinkWriteError);

    const healthy = createHandler({ store: real, config: configFor(prefix), logger: silentLogger });
    expect(await healthy(event)).toEqual({ batchItemFailures: [] });
    const afterRetry = await listObjects(s3, prefix);
    expect(new Set(afterRetry.map((o) => parseObjectKey(o.key)?.partition))).toEqual(new Set([0, 1, 2]));
    // Partitions 0 and 2 were rewritten in place, not duplicated.
    expect(afterRetry.filter((o) => !o.key.includes("+1+"))).toEqual(afterPartial);
  });
});
