import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalEngine, type LocalEngine } from "../src/engine/local/local-engine.js";
import { StoreError } from "../src/errors.js";
import { summarize } from "../src/summary.js";
import { tables } from "../src/tables.js";
import {
  type LakeFile,
  session,
  writeEventPartitions,
  writeLakeFile,
  writeSessionPartition,
} from "./support/dataset.js";
import { contractEventRows, type EventRow, writeEvents } from "./support/parquet.js";
import { openTestLake, type TestLake } from "./support/stack.js";

let lake: TestLake;
let dir: string;
let engine: LocalEngine;
const cacheDir = () => join(dir, "cache");
// One folder per endpoint: the stack's S3 server is host:port, "127.0.0.1_19000" for stack.env's.
const endpointDir = () => {
  const url = new URL(lake.config.s3.endpoint ?? "");
  return `${url.hostname}_${url.port}`;
};
const cachedPath = (key: string) => join(cacheDir(), "s3", endpointDir(), lake.config.bucket, `${lake.prefix}${key}`);

const upload = async (files: readonly LakeFile[]) => {
  for (const file of files) await lake.put(file.key, readFileSync(file.path));
};

const event = (id: string, name: string, ts: string): EventRow => {
  const [template] = contractEventRows();
  if (!template) throw new Error("no contract fixture rows");
  return { ...template, event_id: id, event_type: "track", event_name: name, event_ts: ts, received_at: ts };
};

const eventsReport = () => engine.lastRefresh.tables.find((t) => t.table === "events");
const sessionsReport = () => engine.lastRefresh.tables.find((t) => t.table === "sessions");
const count = async (table: string) => (await engine.query(`SELECT count(*) AS n FROM ${table}`))[0]?.n;

beforeAll(async () => {
  lake = await openTestLake();
  dir = mkdtempSync(join(tmpdir(), "shop-query-it-"));
  const src = join(dir, "src");
  const events = await writeEventPartitions(src, contractEventRows(), "batch-1");
  const sessions = [
    await writeSessionPartition(
      src,
      "2026-11-28",
      [
        session("s1", "2026-11-28T10:00:00.000Z", { orders: 1, revenue: 179.8 }),
        session("s2", "2026-11-28T11:00:00.000Z"),
      ],
      "part-00000-aaa.snappy",
    ),
    await writeSessionPartition(src, "2026-11-29", [session("s3", "2026-11-29T00:00:00.000Z")], "part-00000-bbb"),
  ];
  // A valid Parquet file where Spark stages output: never data.
  const staged = await writeLakeFile(src, "events/dt=2026-11-28/hour=10/_temporary/0/staged.parquet", (path) =>
    writeEvents(path, [event("staged-1", "Order Completed", "2026-11-28T10:30:00.000Z")]),
  );
  await upload([...events, ...sessions, staged]);
  for (const noise of [
    "events/dt=2026-11-28/hour=10/_SUCCESS",
    "events/dt=2026-11-28/hour=10/.batch-1.parquet.crc",
    "events/dt=2026-11-28/hour=10/notes.json",
    "sessions/dt=2026-11-28/_SUCCESS",
    "sessions/_temporary/0/_SUCCESS",
  ]) {
    await lake.put(noise, "not parquet");
  }
  const started = performance.now();
  engine = await createLocalEngine({
    s3: lake.s3,
    bucket: lake.config.bucket,
    prefix: lake.prefix,
    cacheDir: cacheDir(),
  });
  await summarize(engine);
  console.info(`cold: createLocalEngine (sync + bind) + summarize in ${Math.round(performance.now() - started)} ms`);
});

afterAll(async () => {
  await engine?.close();
  await lake?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("createLocalEngine over the real S3 server", () => {
  it("syncs only the Parquet data files, skipping _SUCCESS, .crc, _temporary and other objects", () => {
    expect(eventsReport()).toMatchObject({ partitions: 2, objects: 7, downloaded: 7, unchanged: 0, removed: 0 });
    expect(sessionsReport()).toMatchObject({ partitions: 2, objects: 2, downloaded: 2, unchanged: 0, removed: 0 });
  });

  it("summarize gives the exact numbers of the uploaded data", async () => {
    expect(await summarize(engine)).toEqual({
      eventsByType: [
        { event_type: "track", events: 9 },
        { event_type: "identify", events: 2 },
        { event_type: "alias", events: 1 },
        { event_type: "group", events: 1 },
        { event_type: "page", events: 1 },
        { event_type: "screen", events: 1 },
      ],
      sessions: 2 + 1,
      orders: 1,
      revenue: [
        {
          currency: "BRL",
          orders: 1,
          grossRevenue: expect.closeTo(179.8, 9),
          refunds: expect.closeTo(-89.9, 9),
          netRevenue: expect.closeTo(89.9, 9),
        },
      ],
      firstEventAt: "2026-11-28T00:00:00.000Z",
      lastEventAt: "2026-11-29T00:00:00.000Z",
    });
  });

  it("exposes the partition keys as Athena would: dt text, hour number", async () => {
    expect(
      await engine.query("SELECT dt, hour, count(*) AS n FROM events GROUP BY dt, hour ORDER BY dt, hour"),
    ).toEqual([
      { dt: "2026-11-28", hour: 0, n: 2 },
      { dt: "2026-11-28", hour: 9, n: 1 },
      { dt: "2026-11-28", hour: 10, n: 7 },
      { dt: "2026-11-28", hour: 11, n: 2 },
      { dt: "2026-11-28", hour: 12, n: 1 },
      { dt: "2026-11-28", hour: 23, n: 1 },
      { dt: "2026-11-29", hour: 0, n: 1 },
    ]);
  });
});

describe("refresh", () => {
  const newKey = "events/dt=2026-11-29/hour=09/batch-2.parquet";

  it("picks up a new object and leaves the unchanged ones alone", async () => {
    const before = statSync(cachedPath("events/dt=2026-11-28/hour=10/batch-1.parquet"));
    const file = await writeLakeFile(join(dir, "src"), newKey, (path) =>
      writeEvents(path, [
        event("new-1", "Product Viewed", "2026-11-29T09:00:00.000Z"),
        event("new-2", "Checkout Started", "2026-11-29T09:01:00.000Z"),
      ]),
    );
    await upload([file]);
    const report = await engine.refresh();
    expect(report.tables.find((t) => t.table === "events")).toMatchObject({
      objects: 8,
      downloaded: 1,
      unchanged: 7,
      removed: 0,
    });
    expect(report.tables.find((t) => t.table === "sessions")).toMatchObject({ downloaded: 0, unchanged: 2 });
    const after = statSync(cachedPath("events/dt=2026-11-28/hour=10/batch-1.parquet"));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(await count("events")).toBe(17);
    expect(await engine.query("SELECT * FROM daily_funnel WHERE event_date = DATE '2026-11-29'")).toEqual([
      {
        event_date: "2026-11-29",
        product_views: 1,
        product_adds: 0,
        checkouts: 1,
        orders: 0,
        view_to_order_rate: 0,
      },
    ]);
  });

  it("downloads nothing when nothing changed", async () => {
    const report = await engine.refresh();
    const filesInLake: Record<string, number> = { events: 8, sessions: 2 };
    expect(report.tables.map((t) => [t.table, t.downloaded, t.unchanged, t.removed])).toEqual(
      tables.map(({ name }) => [name, 0, filesInLake[name] ?? 0, 0]),
    );
  });

  it("downloads an object again when its ETag changes under the same key", async () => {
    const file = await writeLakeFile(join(dir, "src"), newKey, (path) =>
      writeEvents(path, [
        event("new-1", "Product Viewed", "2026-11-29T09:00:00.000Z"),
        event("new-2", "Checkout Started", "2026-11-29T09:01:00.000Z"),
        event("new-3", "Product Added", "2026-11-29T09:02:00.000Z"),
      ]),
    );
    await upload([file]);
    expect((await engine.refresh()).tables.find((t) => t.table === "events")).toMatchObject({
      downloaded: 1,
      unchanged: 7,
    });
    expect(await count("events")).toBe(18);
  });

  it("drops files whose objects are gone, as when Spark rewrites a sessions partition", async () => {
    const oldKey = "sessions/dt=2026-11-28/part-00000-aaa.snappy.parquet";
    const rewritten = await writeSessionPartition(
      join(dir, "src"),
      "2026-11-28",
      [session("s1", "2026-11-28T10:00:00.000Z", { orders: 1, revenue: 179.8 })],
      "part-00000-ccc.snappy",
    );
    await lake.remove(oldKey);
    await upload([rewritten]);
    const report = await engine.refresh();
    expect(report.tables.find((t) => t.table === "sessions")).toMatchObject({
      objects: 2,
      downloaded: 1,
      unchanged: 1,
      removed: 1,
    });
    expect(existsSync(cachedPath(oldKey))).toBe(false);
    expect(await engine.query("SELECT session_id, dt FROM sessions ORDER BY session_id")).toEqual([
      { session_id: "s1", dt: "2026-11-28" },
      { session_id: "s3", dt: "2026-11-29" },
    ]);
  });
});

describe("options", () => {
  it("a dt range syncs only those partitions", async () => {
    const ranged = await createLocalEngine({
      s3: lake.s3,
      bucket: lake.config.bucket,
      prefix: lake.prefix,
      cacheDir: join(dir, "cache-ranged"),
      dates: { from: "2026-11-29" },
    });
    try {
      expect(await ranged.query("SELECT DISTINCT dt FROM events")).toEqual([{ dt: "2026-11-29" }]);
      expect(ranged.lastRefresh.tables.find((t) => t.table === "events")).toMatchObject({ partitions: 1, objects: 2 });
    } finally {
      await ranged.close();
    }
  });

  it("a missing bucket is a StoreError naming the bucket", async () => {
    const bucket = `no-such-bucket-${randomUUID().slice(0, 8)}`;
    const error = await createLocalEngine({ s3: lake.s3, bucket, cacheDir: join(dir, "cache-missing") }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: "STORE_BUCKET_NOT_FOUND", message: `bucket ${bucket} does not exist` });
  });
});
