import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compactHour } from "../../src/compact/compactor.js";
import { isCompactedKey, manifestKey, partitionFolder } from "../../src/compact/plan.js";
import { resolveSinkConfig } from "../../src/config.js";
import type { MskRecord } from "../../src/core/msk-event.js";
import { dataObjectKey } from "../../src/core/object-key.js";
import { hourPartitionOf } from "../../src/core/partition.js";
import { CompactionTooEarlyError } from "../../src/errors.js";
import { createHandler } from "../../src/handler.js";
import { silentLogger } from "../../src/logger.js";
import { decodeParquet, encodeParquet, PARQUET_CONTENT_TYPE } from "../../src/parquet/encode.js";
import { type LakeStore, S3ObjectStore } from "../../src/storage/object-store.js";
import { runToEnd } from "../support/child-process.js";
import { lakeFixture, v1SinkFilePath } from "../support/contract-fixtures.js";
import { withParquetFile } from "../support/duckdb.js";
import { generateEvents } from "../support/generated-events.js";
import { mskEvent } from "../support/msk.js";
import { bucket, env, requireS3, s3Client, uniqueId } from "./stack.js";

let s3: S3Client;
let store: S3ObjectStore;
beforeAll(async () => {
  s3 = s3Client();
  await requireS3(s3);
  store = new S3ObjectStore(s3, bucket);
});
afterAll(() => s3?.destroy());

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "../..");
const HOUR = { dt: "2026-11-28", hour: 10 };
/** The events below all fall in HOUR; compaction is run "long after" it unless a test says otherwise. */
const LONG_AFTER = () => new Date("2026-12-31T00:00:00Z");
const timing = { lateEventBoundMs: 7 * 86_400_000, maxDeliveryDelayMs: 86_400_000 };

/**
 * Writes `count` events of HOUR through the real handler in batches of `batchSize` (many small
 * objects), and once more the records `overlap` as one re-cut batch, as a retry that Lambda batched
 * differently would: its rows duplicate rows of other objects. Returns the distinct event ids.
 */
async function sinkSmallFiles(prefix: string, count: number, batchSize: number, overlap?: [number, number]) {
  // generateEvents spreads over 3 hours; a third of them, shifted, keeps everything inside HOUR.
  const texts = generateEvents(count * 3, uniqueId("c"), Date.parse("2026-11-28T10:00:00.000Z")).slice(0, count);
  const records: MskRecord[] = texts.map((text, offset) => ({
    topic: "events.raw",
    partition: offset % 2,
    offset,
    timestamp: Date.parse("2026-11-28T10:30:00.000Z"),
    timestampType: "CREATE_TIME",
    value: Buffer.from(text).toString("base64"),
  }));
  const handler = createHandler({
    store,
    config: resolveSinkConfig({ ...env, SINK_BUCKET: bucket, SINK_PREFIX: prefix }),
    logger: silentLogger,
  });
  const deliver = (from: number, to: number) => handler(mskEvent(records.slice(from, to)));
  for (let from = 0; from < records.length; from += batchSize) await deliver(from, from + batchSize);
  if (overlap) await deliver(overlap[0], overlap[1]);
  const ids = new Set(texts.map((t) => (JSON.parse(t) as { event: { messageId: string } }).event.messageId));
  return Object.assign(ids, { deliver });
}

/** Every row of the hour partition: count and distinct ids, read back from the store. */
async function readHour(prefix: string) {
  const objects = (await store.list(partitionFolder(prefix, HOUR))).filter((o) => o.key.endsWith(".parquet"));
  const ids: string[] = [];
  for (const { key } of objects) {
    const table = decodeParquet((await store.get(key)) as Uint8Array);
    for (const id of table.getChild("event_id") ?? []) ids.push(String(id));
  }
  return { objects, rows: ids.length, ids: new Set(ids) };
}

/** A store that fails (like a crash) at the n-th delete call, after deleting `keep` of its keys. */
function crashingOnDelete(inner: LakeStore, keep: (keys: readonly string[]) => readonly string[]): LakeStore {
  let crashed = false;
  return {
    put: (k, b, t) => inner.put(k, b, t),
    list: (p) => inner.list(p),
    get: (k) => inner.get(k),
    async delete(keys) {
      if (crashed) return inner.delete(keys);
      crashed = true;
      await inner.delete(keep(keys));
      throw new Error("simulated crash during delete");
    },
  };
}

describe("compaction against the local S3 server", () => {
  it("merges many small files into one, keeping every distinct event once (overlapping retries included)", async () => {
    const prefix = uniqueId("sink-it/compact");
    const expected = await sinkSmallFiles(prefix, 600, 40, [100, 170]);
    const before = await readHour(prefix);
    expect(before.objects.length).toBeGreaterThan(15);
    expect(before.rows).toBe(600 + 70); // the re-cut batch duplicated 70 rows
    expect(before.ids).toEqual(expected);

    const summary = await compactHour(store, { prefix, partition: HOUR, timing, now: LONG_AFTER, rowGroupRows: 250 });
    expect(summary).toMatchObject({ status: "compacted", rowsRead: 670, distinctEventIds: 600, duplicatesDropped: 70 });

    const after = await readHour(prefix);
    expect(after.objects).toHaveLength(1);
    expect(isCompactedKey(after.objects[0]?.key ?? "")).toBe(true);
    expect(after.rows).toBe(600);
    expect(after.ids).toEqual(expected);
    expect(await store.get(manifestKey(prefix, HOUR))).toBeUndefined();

    // An independent reader agrees.
    const bytes = (await store.get(after.objects[0]?.key ?? "")) as Uint8Array;
    await withParquetFile(bytes, async (sql, path) => {
      const [counts] = await sql(`SELECT count(*)::INT AS n, count(DISTINCT event_id)::INT AS d FROM '${path}'`);
      expect(counts).toEqual({ n: 600, d: 600 });
      const groups = await sql(
        `SELECT row_group_id, max(row_group_num_rows)::INT AS rows FROM parquet_metadata('${path}') GROUP BY 1 ORDER BY 1`,
      );
      expect(groups.map((g) => g.rows)).toEqual([250, 250, 100]);
    });

    // Nothing left to merge: a re-run is a no-op.
    expect((await compactHour(store, { prefix, partition: HOUR, timing, now: LONG_AFTER })).status).toBe(
      "nothing-to-do",
    );
  });

  it("splits the hour into files of about --target-bytes", async () => {
    const prefix = uniqueId("sink-it/compact-split");
    const expected = await sinkSmallFiles(prefix, 400, 25);
    const inputBytes = (await readHour(prefix)).objects.reduce((n, o) => n + o.size, 0);
    const summary = await compactHour(store, {
      prefix,
      partition: HOUR,
      timing,
      now: LONG_AFTER,
      targetBytes: Math.ceil(inputBytes / 3),
    });
    expect(summary.outputs.length).toBeGreaterThanOrEqual(3);
    const after = await readHour(prefix);
    expect(after.rows).toBe(400);
    expect(after.ids).toEqual(expected);
  });

  it("after a crash between writing the new file and deleting the small ones, a re-run ends exact", async () => {
    const prefix = uniqueId("sink-it/compact-crash");
    const expected = await sinkSmallFiles(prefix, 300, 30);
    const smallCount = (await readHour(prefix)).objects.length;

    await expect(
      compactHour(
        crashingOnDelete(store, () => []),
        { prefix, partition: HOUR, timing, now: LONG_AFTER },
      ),
    ).rejects.toThrow("simulated crash");
    const crashed = await readHour(prefix);
    expect(crashed.objects).toHaveLength(smallCount + 1); // the new file beside every small one
    expect(await store.get(manifestKey(prefix, HOUR))).toBeDefined();

    const summary = await compactHour(store, { prefix, partition: HOUR, timing, now: LONG_AFTER });
    expect(summary).toMatchObject({ status: "resumed", distinctEventIds: 300 });
    const after = await readHour(prefix);
    expect(after.objects).toHaveLength(1);
    expect(after.rows).toBe(300);
    expect(after.ids).toEqual(expected);
    expect(await store.get(manifestKey(prefix, HOUR))).toBeUndefined();
  });

  it("after a crash half-way through the deletes, a re-run finishes them without re-merging", async () => {
    const prefix = uniqueId("sink-it/compact-half");
    const expected = await sinkSmallFiles(prefix, 300, 30);
    await expect(
      compactHour(
        crashingOnDelete(store, (keys) => keys.slice(0, Math.floor(keys.length / 2))),
        { prefix, partition: HOUR, timing, now: LONG_AFTER },
      ),
    ).rejects.toThrow("simulated crash");
    const crashed = await readHour(prefix);
    expect(crashed.rows).toBeGreaterThan(300); // the new file plus the small ones not yet deleted
    const outputKey = crashed.objects.find((o) => isCompactedKey(o.key))?.key;

    const summary = await compactHour(store, { prefix, partition: HOUR, timing, now: LONG_AFTER });
    expect(summary.status).toBe("resumed");
    const after = await readHour(prefix);
    expect(after.objects.map((o) => o.key)).toEqual([outputKey]);
    expect(after.rows).toBe(300);
    expect(after.ids).toEqual(expected);
  });

  it("a late retry re-creates a merged small object; the next run merges it again without duplicates", async () => {
    const prefix = uniqueId("sink-it/compact-late");
    const expected = await sinkSmallFiles(prefix, 200, 50);
    await compactHour(store, { prefix, partition: HOUR, timing, now: LONG_AFTER });
    // A retry of the second batch, delivered after compaction: the same keys as before, re-created.
    await expected.deliver(50, 100);
    const duplicated = await readHour(prefix);
    expect(duplicated.objects).toHaveLength(3); // the compacted file and the batch's two small objects
    expect(duplicated.rows).toBe(250);

    const summary = await compactHour(store, { prefix, partition: HOUR, timing, now: LONG_AFTER });
    expect(summary).toMatchObject({ status: "compacted", distinctEventIds: 200, duplicatesDropped: 50 });
    const after = await readHour(prefix);
    expect(after.objects).toHaveLength(1);
    expect(after.rows).toBe(200);
    expect(after.ids).toEqual(expected);
  });

  it("refuses an hour that may still receive objects, unless forced", async () => {
    const prefix = uniqueId("sink-it/compact-early");
    await sinkSmallFiles(prefix, 60, 20);
    const early = () => new Date("2026-11-30T00:00:00Z"); // within LATE_EVENT_BOUND of the hour
    await expect(compactHour(store, { prefix, partition: HOUR, timing, now: early })).rejects.toBeInstanceOf(
      CompactionTooEarlyError,
    );
    expect((await readHour(prefix)).objects.length).toBe(6);
    const forced = await compactHour(store, { prefix, partition: HOUR, timing, now: early, force: true });
    expect(forced).toMatchObject({ status: "compacted", distinctEventIds: 60 });
  });

  it("the CLI compacts an hour and prints its summary; it refuses a recent hour with exit code 3", async () => {
    const prefix = uniqueId("sink-it/compact-cli");
    const expected = await sinkSmallFiles(prefix, 120, 30);
    const run = (args: string[]) =>
      runToEnd(process.execPath, ["--import", "tsx", "src/compact/cli.ts", ...args], {
        cwd: packageDir,
        // A short rule, so HOUR (a day or so ago on this clock) is closed and this hour is not.
        env: {
          ...process.env,
          ...env,
          SINK_BUCKET: bucket,
          SINK_PREFIX: prefix,
          LATE_EVENT_BOUND: "1h",
          SINK_MAX_DELIVERY_DELAY: "1h",
        },
      });
    const today = new Date();
    const recent = await run(["--dt", today.toISOString().slice(0, 10), "--hour", String(today.getUTCHours())]);
    expect(recent.code, recent.stderr).toBe(3);
    expect(recent.stderr).toMatch(/--force/);

    const done = await run(["--dt", HOUR.dt, "--hour", String(HOUR.hour), "--target-bytes", "100000000"]);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ status: "compacted", distinctEventIds: 120 });
    const after = await readHour(prefix);
    expect(after.rows).toBe(120);
    expect(after.ids).toEqual(expected);
  });

  it("keeps the copy the contract's dedup rule picks, as the views and Spark do (shared lake fixture)", async () => {
    const prefix = uniqueId("sink-it/compact-dedup");
    // Every copy in an object of its own, in the fixture's file order: "first row read" would pick wrongly.
    const hours = new Map<string, ReturnType<typeof hourPartitionOf>>();
    for (const [offset, row] of lakeFixture.copies.entries()) {
      const partition = hourPartitionOf(row.event_ts);
      hours.set(`${partition.dt}/${partition.hour}`, partition);
      const key = dataObjectKey(prefix, partition, {
        topic: "events.raw",
        partition: 0,
        firstOffset: offset,
        lastOffset: offset,
      });
      await store.put(key, encodeParquet([row]), PARQUET_CONTENT_TYPE);
    }
    const kept: Record<string, unknown>[] = [];
    for (const partition of hours.values()) {
      await compactHour(store, { prefix, partition, timing, now: LONG_AFTER });
      for (const { key } of await store.list(partitionFolder(prefix, partition))) {
        const table = decodeParquet((await store.get(key)) as Uint8Array);
        for (const row of table) kept.push(row?.toJSON() as Record<string, unknown>);
      }
    }
    const byId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      String(a.event_id) < String(b.event_id) ? -1 : 1;
    expect(kept.sort(byId)).toEqual(lakeFixture.winners.map((r) => ({ ...r })).sort(byId));
    // Money over what compaction kept: SUM(revenue) is net revenue, checkout and payment amounts apart.
    const sum = (column: string) =>
      Math.round(kept.reduce((n, r) => n + ((r[column] as number | null) ?? 0), 0) * 100) / 100;
    expect({
      net_revenue: sum("revenue"),
      checkout_value: sum("checkout_value"),
      payment_amount: sum("payment_amount"),
    }).toEqual({
      net_revenue: lakeFixture.expected.money.BRL?.net_revenue,
      checkout_value: lakeFixture.expected.money.BRL?.checkout_value,
      payment_amount: lakeFixture.expected.money.BRL?.payment_amount,
    });
  });

  it("merges a file the sink of schema version 1 wrote with today's files: old rows get NULL new columns", async () => {
    const prefix = uniqueId("sink-it/compact-v1");
    const expected = await sinkSmallFiles(prefix, 50, 25);
    const v1Key = `${partitionFolder(prefix, HOUR)}events.raw+5+00000000000000000000+00000000000000000004.zstd.parquet`;
    await store.put(v1Key, readFileSync(v1SinkFilePath), PARQUET_CONTENT_TYPE);
    const summary = await compactHour(store, { prefix, partition: HOUR, timing, now: LONG_AFTER });
    expect(summary).toMatchObject({ status: "compacted", distinctEventIds: 55 });
    const after = await readHour(prefix);
    expect(after.objects).toHaveLength(1);
    const table = decodeParquet((await store.get(after.objects[0]?.key ?? "")) as Uint8Array);
    const rows = [...table].map((r) => r?.toJSON() as Record<string, unknown>);
    const old = rows.filter((r) => r.schema_version === 1);
    expect(old).toHaveLength(5);
    expect(old.every((r) => r.geo_country === null && r.checkout_value === null && r.payment_status === null)).toBe(
      true,
    );
    expect(old.find((r) => r.revenue !== null)).toMatchObject({ order_id: "order-1001", revenue: 179.8 });
    expect(rows.filter((r) => r.schema_version !== 1).map((r) => r.event_id)).toEqual(
      expect.arrayContaining([...expected]),
    );
  });
});
