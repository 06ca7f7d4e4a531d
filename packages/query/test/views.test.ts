import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { partitionColumns, storageColumns } from "@shop/event-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DuckDbEngine, openDuckDbEngine } from "../src/engine/local/duckdb-engine.js";
import { viewSources } from "../src/sql-files.js";
import { type LakeFile, session, writeEventPartitions, writeSessionPartition } from "./support/dataset.js";
import { contractEventRows, lakeFixture } from "./support/parquet.js";

// The contract's fixture rows (every storage column), plus a second delivery of the order under another
// file and timestamp encoding: the views must count it once.
const rows = contractEventRows();
const order = rows.find((r) => r.event_name === "Order Completed");
if (!order) throw new Error("the contract fixtures have no Order Completed row");
const redelivered = { ...order, received_at: "2026-11-28T10:07:00.000Z" };

let dir: string;
let engine: DuckDbEngine;
let eventFiles: LakeFile[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "shop-query-views-"));
  eventFiles = [
    ...(await writeEventPartitions(dir, rows, "batch-1")),
    ...(await writeEventPartitions(dir, [redelivered], "batch-2", { timestamps: "utc-adjusted" })),
  ];
  const sessionFiles = [
    await writeSessionPartition(dir, "2026-11-28", [
      session("s1", "2026-11-28T10:00:00.000Z", { orders: 1, revenue: 179.8 }),
      session("s2", "2026-11-28T11:00:00.000Z", { is_bounce: true }),
    ]),
    await writeSessionPartition(dir, "2026-11-29", [session("s3", "2026-11-29T00:00:00.000Z")]),
  ];
  engine = await openDuckDbEngine({ dataDir: dir });
  await engine.bindTables({ events: eventFiles.map((f) => f.path), sessions: sessionFiles.map((f) => f.path) });
});

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("table views", () => {
  it("events has exactly the contract's columns, then the partition columns, with Athena's types", async () => {
    const columns = await engine.query<{ column_name: string; column_type: string }>("DESCRIBE events");
    expect(columns.map((c) => c.column_name)).toEqual([
      ...storageColumns.map((c) => c.name),
      ...partitionColumns.map((c) => c.name),
    ]);
    const typeOf = Object.fromEntries(columns.map((c) => [c.column_name, c.column_type]));
    expect(typeOf).toMatchObject({
      event_ts: "TIMESTAMP",
      session_seq: "INTEGER",
      revenue: "DOUBLE",
      is_bot: "BOOLEAN",
      dt: "VARCHAR",
      hour: "INTEGER",
    });
  });

  it("reads every stored row, with values as the contract's fixtures have them", async () => {
    const [count] = await engine.query("SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM events");
    expect(count).toEqual({ n: rows.length + 1, ids: rows.length });
    const orders = await engine.query(
      "SELECT event_ts, received_at, order_id, revenue, currency, checkout_id, dt, hour FROM events WHERE event_name = ? ORDER BY received_at",
      ["Order Completed"],
    );
    expect(orders).toEqual([
      {
        event_ts: "2026-11-28T10:05:00.000Z",
        received_at: "2026-11-28T10:05:00.250Z",
        order_id: "order-1001",
        revenue: 179.8,
        currency: "BRL",
        checkout_id: "chk-1",
        dt: "2026-11-28",
        hour: 10,
      },
      // The UTC-adjusted file reads as the same naive UTC instant.
      {
        event_ts: "2026-11-28T10:05:00.000Z",
        received_at: "2026-11-28T10:07:00.000Z",
        order_id: "order-1001",
        revenue: 179.8,
        currency: "BRL",
        checkout_id: "chk-1",
        dt: "2026-11-28",
        hour: 10,
      },
    ]);
  });

  it("sessions reads the Spark layout with dt from the key", async () => {
    const sessions = await engine.query(
      "SELECT session_id, dt, duration_seconds, is_bounce, revenue, session_end FROM sessions ORDER BY session_id",
    );
    expect(sessions).toEqual([
      {
        session_id: "s1",
        dt: "2026-11-28",
        duration_seconds: 300,
        is_bounce: false,
        revenue: 179.8,
        session_end: "2026-11-28T10:05:00.000Z",
      },
      {
        session_id: "s2",
        dt: "2026-11-28",
        duration_seconds: 300,
        is_bounce: true,
        revenue: 0,
        session_end: "2026-11-28T11:05:00.000Z",
      },
      {
        session_id: "s3",
        dt: "2026-11-29",
        duration_seconds: 300,
        is_bounce: false,
        revenue: 0,
        session_end: "2026-11-29T00:05:00.000Z",
      },
    ]);
  });
});

describe("views of sql/views", () => {
  it("are the documented ones, each after the views it reads", () => {
    expect(viewSources().map((v) => v.name)).toEqual([
      "unique_events",
      "daily_funnel",
      "daily_revenue",
      "events_by_type",
      "live_metrics_latest",
      "session_people",
    ]);
  });

  it("events_by_type counts each event once per UTC day and type", async () => {
    const result = await engine.query("SELECT * FROM events_by_type ORDER BY event_date, event_type");
    expect(result).toEqual([
      { event_date: "2026-11-28", event_type: "alias", events: 1 },
      { event_date: "2026-11-28", event_type: "group", events: 1 },
      { event_date: "2026-11-28", event_type: "identify", events: 2 },
      { event_date: "2026-11-28", event_type: "page", events: 1 },
      { event_date: "2026-11-28", event_type: "track", events: 9 },
      { event_date: "2026-11-29", event_type: "screen", events: 1 },
    ]);
  });

  it("daily_funnel counts views, adds, checkouts and orders, the redelivered order once", async () => {
    const result = await engine.query("SELECT * FROM daily_funnel ORDER BY event_date");
    expect(result).toEqual([
      {
        event_date: "2026-11-28",
        product_views: 1,
        product_adds: 1,
        checkouts: 1,
        orders: 1,
        view_to_order_rate: 1,
      },
    ]);
  });

  it("daily_revenue nets refunds against orders per day and currency", async () => {
    const result = await engine.query<Record<string, number | string>>(
      "SELECT * FROM daily_revenue ORDER BY event_date, currency",
    );
    expect(result).toHaveLength(1);
    const [brl] = result;
    expect(brl).toMatchObject({ event_date: "2026-11-28", currency: "BRL", orders: 1 });
    expect(brl?.gross_revenue).toBeCloseTo(179.8, 9);
    expect(brl?.refunds).toBeCloseTo(-89.9, 9);
    expect(brl?.net_revenue).toBeCloseTo(89.9, 9);
  });
});

describe("the shared lake fixture (the same answers as the sink's compaction and Spark)", () => {
  const fixture = lakeFixture();
  let lakeDir: string;
  let lakeEngine: DuckDbEngine;

  beforeAll(async () => {
    lakeDir = mkdtempSync(join(tmpdir(), "shop-query-lake-"));
    // Every copy in a file of its own, in the fixture's order: no engine may keep "the first it reads".
    const files: LakeFile[] = [];
    for (const [i, copy] of fixture.copies.entries()) {
      files.push(...(await writeEventPartitions(lakeDir, [copy], `copy-${String(i).padStart(2, "0")}`)));
    }
    lakeEngine = await openDuckDbEngine({ dataDir: lakeDir });
    await lakeEngine.bindTables({ events: files.map((f) => f.path), sessions: [] });
  });

  afterAll(async () => {
    await lakeEngine?.close();
    rmSync(lakeDir, { recursive: true, force: true });
  });

  it("unique_events keeps exactly the copies the contract's dedup rule keeps", async () => {
    const columns = storageColumns.map((c) => `"${c.name}"`).join(", ");
    const kept = await lakeEngine.query(`SELECT ${columns} FROM unique_events ORDER BY event_id`);
    expect(fixture.copies.length).toBeGreaterThan(kept.length);
    expect(kept).toEqual(fixture.winners);
  });

  it("daily_revenue: SUM(revenue) is net revenue; checkout and payment amounts never count as revenue", async () => {
    const [brl] = await lakeEngine.query<Record<string, number>>(
      "SELECT sum(orders) AS orders, sum(gross_revenue) AS gross_revenue, sum(refunds) AS refunds, sum(net_revenue) AS net_revenue FROM daily_revenue WHERE currency = 'BRL'",
    );
    const [amounts] = await lakeEngine.query<Record<string, number>>(
      "SELECT sum(checkout_value) AS checkout_value, sum(payment_amount) AS payment_amount, sum(revenue) AS revenue FROM unique_events WHERE currency = 'BRL'",
    );
    const expected = fixture.expected.money.BRL ?? {};
    const round = (n: number | undefined) => Math.round((n ?? Number.NaN) * 100) / 100;
    expect({
      orders: brl?.orders,
      gross_revenue: round(brl?.gross_revenue),
      refunds: round(brl?.refunds),
      net_revenue: round(brl?.net_revenue),
      checkout_value: round(amounts?.checkout_value),
      payment_amount: round(amounts?.payment_amount),
    }).toEqual(expected);
    expect(round(amounts?.revenue)).toBe(expected.net_revenue);
  });
});
