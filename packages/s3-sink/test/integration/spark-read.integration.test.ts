import type { S3Client } from "@aws-sdk/client-s3";
import type { StorageRow } from "@shop/event-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveSinkConfig } from "../../src/config.js";
import { createHandler } from "../../src/handler.js";
import { silentLogger } from "../../src/logger.js";
import { PARQUET_CONTENT_TYPE } from "../../src/parquet/encode.js";
import { S3ObjectStore } from "../../src/storage/object-store.js";
import { expectedFixtureRows, uniqueCollectedFixtures } from "../support/contract-fixtures.js";
import { encodeWithNewColumn, NEW_COLUMN } from "../support/evolved-file.js";
import { collectedRecord, mskEvent } from "../support/msk.js";
import { runSparkScript } from "../support/spark.js";
import { bucket, env, listObjects, requireS3, s3Client, uniqueId } from "./stack.js";

/**
 * Spark reads what the sink wrote to the S3 server: with the generated events schema (as the
 * processing jobs do), and with mergeSchema next to a file that has a column a later contract added.
 * Uses packages/processing-jobs' Python environment and helpers, read only.
 */

let s3: S3Client;
beforeAll(async () => {
  s3 = s3Client();
  await requireS3(s3);
});
afterAll(() => s3?.destroy());

describe("Spark reads the sink's files", () => {
  it("with the generated schema, and merges a later file's new optional column (NULL in older files)", async () => {
    const prefix = uniqueId("sink-it/spark");
    const store = new S3ObjectStore(s3, bucket);
    const events = uniqueCollectedFixtures(2, uniqueId("sp"));
    const handler = createHandler({
      store,
      config: resolveSinkConfig({ ...env, SINK_BUCKET: bucket, SINK_PREFIX: prefix }),
      logger: silentLogger,
    });
    await handler(mskEvent(events.map(({ collected }, i) => collectedRecord("events.raw", 0, i, collected))));
    const sinkRows = events.map(({ fixture, collected }) => ({
      ...(expectedFixtureRows[fixture] as StorageRow),
      event_id: collected.event.messageId,
    }));

    // A file from after the contract gained NEW_COLUMN, in one of the hours the sink wrote.
    const [someKey] = (await listObjects(s3, prefix)).map((o) => o.key);
    const folder = someKey?.slice(0, someKey.lastIndexOf("/") + 1) ?? "";
    const newRows = expectedFixtureRows.map((r, i) => ({ ...r, event_id: `${prefix}-new-${i}` }));
    const tiers = newRows.map((_, i) => (i % 3 === 0 ? `tier-${i}` : null));
    await store.put(
      `${folder}events.raw+1+00000000000000000000+00000000000000000009.zstd.parquet`,
      encodeWithNewColumn(newRows, tiers),
      PARQUET_CONTENT_TYPE,
    );

    const seen = await runSparkScript<Record<string, unknown> & { revenue: number }>(
      "spark_read.py",
      [`s3a://${bucket}/${prefix}/events`, NEW_COLUMN],
      env,
    );
    const all = [...sinkRows, ...newRows];
    expect(seen).toMatchObject({
      rows: all.length,
      distinctIds: all.length,
      mergedHasNewColumn: true,
      newColumnNullRows: all.length - tiers.filter((t) => t !== null).length,
      newColumnValueRows: tiers.filter((t) => t !== null).length,
      minEventTsSeconds: Math.floor(Math.min(...all.map((r) => r.event_ts)) / 1000),
    });
    expect(seen.revenue).toBeCloseTo(
      all.reduce((n, r) => n + (r.revenue ?? 0), 0),
      6,
    );
    expect(seen.typedFields).toMatchObject({
      event_id: "string",
      event_ts: "timestamp",
      session_seq: "int",
      revenue: "double",
      is_bot: "boolean",
      dt: "string",
      hour: "int",
    });
  }, 300_000);
});
