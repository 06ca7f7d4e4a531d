/**
 * Behaviour analytics end to end, on the real local stack: simulated shoppers (through @shop/tracker) →
 * collector → Kafka → the sink's Parquet on S3, then the two streams and the batch job over the same events:
 * - the live metrics stream (Kafka in) gives, per minute, the figures the lake's events give;
 * - the sessions stream (the lake's files in) gives exactly the batch job's rows for every session it has
 *   closed, and it has closed every session whose gap ended before its watermark.
 * The streams run with --available-now (everything there is, then stop): the small version of
 * examples/load-generator/bench/freshness.sh, which measures the same path live.
 * Every run uses its own topics and S3 prefix, so it never sees another run's data.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLoad } from "@shop/example-load-generator";
import { createLocalEngine, type LocalEngine } from "@shop/query";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCollector } from "./support/collector.js";
import { drainToLake, sparkJob, stackS3 } from "./support/jobs.js";
import { liveBesideLake } from "./support/live-minutes.js";
import { stackEnv } from "./support/stack-env.js";
import { ownTopics } from "./support/topics.js";

const env = stackEnv();
const runId = randomUUID().slice(0, 8);
const rawTopic = `e2e-behaviour-${runId}.raw`;
const invalidTopic = `e2e-behaviour-${runId}.invalid`;
const metricsTopic = `e2e-behaviour-${runId}.metrics`;
const prefix = `e2e-behaviour-${runId}`;
// The stream's sessions go to a lake of their own, beside the batch job's.
const streamPrefix = `${prefix}/stream`;
const bucket = env.S3_BUCKET ?? "shop-analytics-local";
const lake = (path: string) => `s3a://${bucket}/${path}`;
const GAP_MINUTES = 30;
const WATERMARK_MINUTES = 3;
const work = mkdtempSync(join(tmpdir(), "shop-e2e-behaviour-"));
const kafka = new Kafka({
  clientId: "e2e-behaviour",
  brokers: env.KAFKA_BROKERS.split(","),
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
const s3 = stackS3(env);
let dropTopics: (() => Promise<void>) | undefined;
const engines: LocalEngine[] = [];

async function engineOn(lakePrefix: string): Promise<LocalEngine> {
  const engine = await createLocalEngine({ s3, bucket, prefix: lakePrefix, cacheDir: join(work, lakePrefix) });
  engines.push(engine);
  return engine;
}

/** Rows as plain JSON values (DuckDB's BigInts and dates compare by value), keyed by a column. */
const byKey = <T extends Record<string, unknown>>(rows: readonly T[], key: keyof T) =>
  new Map(
    rows.map((row) => [
      String(row[key]),
      JSON.parse(JSON.stringify(row, (_, v) => (typeof v === "bigint" ? Number(v) : v))),
    ]),
  );

beforeAll(async () => {
  await admin.connect();
  dropTopics = await ownTopics(admin, { [rawTopic]: 3, [invalidTopic]: 1, [metricsTopic]: 1 });
});

afterAll(async () => {
  for (const engine of engines) await engine.close();
  await dropTopics?.();
  await admin.disconnect();
  s3.destroy();
  rmSync(work, { recursive: true, force: true });
});

describe("behaviour analytics on simulated shoppers", () => {
  it("live metrics match the lake minute by minute, and streamed sessions match the batch job's", {
    timeout: 900_000,
  }, async () => {
    // 1. Shoppers' visits over the last 90 minutes (and the customers' histories) through a real collector,
    //    then the sink's runner drains the topic into Parquet under this run's prefix.
    const collector = await startCollector(env, { raw: rawTopic, invalid: invalidTopic }, "e2e-behaviour");
    const { report } = await runLoad({
      host: collector.url,
      writeKey: collector.writeKey,
      serverWriteKey: collector.serverWriteKey,
      shoppers: 40,
      seed: Number(process.env.E2E_BEHAVIOUR_SEED ?? 7),
      windowMs: 90 * 60_000,
      historyDays: 1,
      runTag: runId,
    });
    await collector.close();
    expect(report.dropped).toBe(0);
    await drainToLake(env, rawTopic, `e2e-${runId}`, prefix);
    const events = await engineOn(prefix);
    expect(await events.query("SELECT count(*)::INTEGER AS n FROM events")).toEqual([{ n: report.sent }]);
    const days = (await events.query<{ dt: string }>("SELECT DISTINCT dt FROM events ORDER BY dt")).map((r) => r.dt);

    // 2. The live metrics stream over the raw topic: everything there is, then stop.
    const metrics = await sparkJob(env, "shop_jobs.jobs.live_metrics", [
      ...["--brokers", env.KAFKA_BROKERS, "--topic", rawTopic, "--metrics-topic", metricsTopic],
      ...["--metrics-path", lake(`${prefix}/live_metrics`), "--checkpoint", join(work, "live-metrics")],
      ...["--starting-offsets", "earliest", "--available-now"],
    ]);
    expect(metrics).toMatchObject({ malformed: 0 });

    // 3. The sessions stream over the lake's files, and the batch job for each day the events touch.
    await sparkJob(env, "shop_jobs.jobs.sessions_stream", [
      ...["--events-path", lake(`${prefix}/events`), "--sessions-path", lake(`${streamPrefix}/sessions`)],
      ...["--checkpoint", join(work, "sessions"), "--source", "files", "--available-now"],
    ]);
    for (const day of days) {
      await sparkJob(env, "shop_jobs.jobs.sessionize_batch", [
        ...["--events-path", lake(`${prefix}/events`), "--sessions-path", lake(`${prefix}/sessions`)],
        ...["--date", day],
      ]);
    }

    // 4. Each minute's latest revision against the lake's events of that minute.
    await events.refresh();
    const { live, lake: fromLake } = await liveBesideLake(events);
    expect(fromLake.length).toBeGreaterThan(30);
    expect(live).toEqual(fromLake);

    // 5. Streamed sessions: each equals the batch job's row; every session closed by the watermark is there.
    const streamed = byKey(await (await engineOn(streamPrefix)).query("SELECT * FROM sessions"), "session_id");
    const batch = byKey(await events.query("SELECT * FROM sessions"), "session_id");
    const closable = await events.query<{ session_id: string }>(`
      SELECT session_id FROM sessions
      WHERE session_end + INTERVAL ${GAP_MINUTES + WATERMARK_MINUTES + 1} MINUTE < (SELECT max(event_ts) FROM events)`);
    expect(closable.length).toBeGreaterThan(20);
    for (const { session_id } of closable) expect(streamed.has(session_id), session_id).toBe(true);
    for (const [id, row] of streamed) expect(row, id).toEqual(batch.get(id));
  });
});
