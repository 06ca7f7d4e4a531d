/**
 * The pipeline under faults (issue #16, point 5), on a stack of its own: a throwaway Kafka broker and S3 server
 * (moto) under a temporary STACK_DIR on free loopback ports, started and stopped by scripts/stack/*.sh, so the
 * shared stack the other suites use is never touched. On it: the collector and the sink's local runner as
 * processes of their own, the fraud scoring stream (scripts/stack/stream.sh), and the load generator sending
 * through @shop/tracker: a replay of the last 10 minutes, then 60 s of live traffic with one case of each fraud
 * scenario and hard negative starting 30 s in (their last steps run to about 330 s, which bounds the test's time).
 *
 * Timeline (seconds after the generator starts; every fault lands while it keeps sending):
 *    8  SIGKILL the collector; 11 restart it on the same port. Requests in flight get no answer (status 0) and
 *       the SDK re-sends them; a batch Kafka had taken before the kill arrives twice (same messageIds).
 *   16  SIGKILL the sink runner; 19 restart it. The batch it had written but not committed comes back: the same
 *       object keys are written again, or an overlapping range if the restart cuts batches differently.
 *   24  stop the broker cleanly (kafka.sh stop); 34 start it again. The collector answers 503 + Retry-After
 *       after its publish timeout and the SDK retries; the sink runner and the stream ride it out. The fraud
 *       cases start at 30 s, inside the outage: their events reach Kafka only through the SDK's retries.
 *   42  SIGKILL the fraud stream (driver, Spark JVM and Python workers: its whole session) and restart it with
 *       stream.sh start, which resumes from its checkpoint while traffic goes on. The stream starts beside the
 *       traffic and is killed once it has committed a batch of it: later than 42 s when its Spark start is slow.
 * Afterwards, once the sink has committed and the stream has read the whole topic:
 *   - every event the generator produced got a 2xx in the end (acks = produced, nothing dropped) and is in the
 *     lake: the distinct event_ids of `events` equal the produced ids, and `unique_events` (the contract's
 *     dedup rule, which every reader applies) has each exactly once. Extra raw copies (re-sends, sink retries)
 *     are counted and printed, not hidden;
 *   - sessions: the batch job (sessionize_batch, over the lake after the run, for each day of the shoppers'
 *     window) equals, row by row, a reference written here in DuckDB SQL over `unique_events` from the rule in
 *     the sessions table's docs (not the job's code); no session_id twice. The batch job rather than the
 *     sessions stream: it sees every event, duplicates included, where the stream only emits sessions its
 *     watermark closed, and a third Spark JVM start would not fit the time box on two cores;
 *   - every injected fraud case is alerted (recall 1.0, no false alarm); alert ids are unique in the lake's
 *     fraud_alerts table; ids repeated on the topic (a replay after the SIGKILL) are counted apart
 *     (repeatedAlertIds): a consumer that keys on alert_id, like examples/order-hold, holds an order once.
 * A 2-minute session gap keeps sessions short enough to be many in an 11-minute run.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { eventNames } from "@shop/event-schema";
import {
  fetchTransports,
  type LoadRun,
  readAlerts,
  runLoad,
  scoreRun,
  type TransportFactory,
} from "@shop/example-load-generator";
import { createLocalEngine, type LocalEngine } from "@shop/query";
import type { BatchPayload } from "@shop/tracker";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkpointAt,
  type Service,
  startService,
  type ThrowawayStack,
  throwawayStack,
  waitFor,
} from "./support/fault-stack.js";
import { sparkJob, stackS3 } from "./support/jobs.js";
import { freePorts } from "./support/ports.js";
import { stackEnv } from "./support/stack-env.js";

const runId = randomUUID().slice(0, 8);
const GAP_MINUTES = 2;
const LIVE_SECONDS = 60;
const topics = { raw: `faults-${runId}.raw`, invalid: `faults-${runId}.invalid`, alerts: `faults-${runId}.alerts` };
const sinkGroup = `faults-${runId}-sink`;
const writeKey = "faults-key";
const serverWriteKey = "faults-server-key";

let stack: ThrowawayStack;
let s3: S3Client;
const services = new Set<Service>();
const engines: LocalEngine[] = [];
const t0 = { at: 0 };
const timeline: string[] = [];
const note = (what: string) => {
  const line = `${((Date.now() - t0.at) / 1000).toFixed(1).padStart(6)} s  ${what}`;
  timeline.push(line);
  if (process.env.E2E_KEEP) console.log(line);
};

const streamDir = (name: string) => join(stack.dir, "stream", name);
const bucket = () => stack.env.S3_BUCKET ?? "shop-analytics-local";
const lake = (path: string) => `s3a://${bucket()}/${path}`;

beforeAll(async () => {
  const shared = stackEnv();
  stack = await throwawayStack(shared, {
    KAFKA_TOPIC_RAW: topics.raw,
    KAFKA_TOPIC_INVALID: topics.invalid,
    KAFKA_TOPIC_FRAUD: topics.alerts,
    // A Spark start takes minutes when the machine is busy (other suites' JVMs and browsers).
    FRAUD_STREAM_START_TIMEOUT: "600",
  });
  s3 = stackS3(stack.env);
}, 300_000);

afterAll(async () => {
  for (const service of services) service.kill("SIGKILL");
  for (const engine of engines) await engine.close();
  s3?.destroy();
  if (stack && !process.env.E2E_KEEP) {
    await stack.down();
    const { rmSync } = await import("node:fs");
    rmSync(stack.dir, { recursive: true, force: true });
  }
}, 300_000);

async function startCollector(port: number): Promise<Service> {
  const collector = startService("collector", "packages/collector/dist/server.js", [], {
    ...stack.env,
    COLLECTOR_PORT: String(port),
    COLLECTOR_HOST: "127.0.0.1",
    // One process: SIGKILL takes the whole collector down, as a crashed container would.
    COLLECTOR_WORKERS: "1",
    COLLECTOR_WRITE_KEYS: `${writeKey}=faults-web,${serverWriteKey}=faults-backend`,
    COLLECTOR_SERVER_SOURCES: "faults-backend",
  });
  services.add(collector);
  collector.exited.then(() => services.delete(collector));
  await waitFor(
    "the collector to be ready",
    async () =>
      (await fetch(`http://127.0.0.1:${port}/ready`).then(
        (r) => r.ok,
        () => false,
      )) || collector.child.exitCode !== null,
    60_000,
    collector.log,
  );
  if (collector.child.exitCode !== null) throw new Error(`the collector exited\n${collector.log()}`);
  return collector;
}

function startSink(): Service {
  const sink = startService(
    "sink",
    "packages/s3-sink/dist/local/cli.js",
    ["--topic", topics.raw, "--group", sinkGroup, "--max-wait-ms", "2000"],
    { ...stack.env, SINK_BUCKET: bucket(), SINK_PREFIX: "" },
  );
  services.add(sink);
  sink.exited.then(() => services.delete(sink));
  return sink;
}

const at = (seconds: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, t0.at + seconds * 1000 - Date.now())));

/** Sessions by the rule in the sessions table's docs, in DuckDB over unique_events (not the Spark job's code). */
const referenceSessions = (gapMinutes: number) => `
  WITH e AS (
    SELECT *, CASE WHEN lag(event_ts) OVER w IS NULL
                     OR event_ts - lag(event_ts) OVER w > INTERVAL ${gapMinutes} MINUTE THEN 1 ELSE 0 END AS starts
    FROM unique_events WINDOW w AS (PARTITION BY anonymous_id ORDER BY event_ts, event_id)
  ), s AS (
    SELECT *, sum(starts) OVER (PARTITION BY anonymous_id ORDER BY event_ts, event_id) AS n FROM e
  )
  SELECT substr(sha256(anonymous_id || '|' || arg_min(event_id, (event_ts, event_id))), 1, 32) AS session_id,
    anonymous_id, max_by(user_id, (event_ts, event_id)) FILTER (WHERE user_id IS NOT NULL) AS user_id,
    strftime(min(event_ts), '%Y-%m-%dT%H:%M:%S.%g') AS session_start,
    strftime(max(event_ts), '%Y-%m-%dT%H:%M:%S.%g') AS session_end,
    count(*)::INTEGER AS event_count,
    count(*) FILTER (WHERE event_type IN ('page', 'screen'))::INTEGER AS page_views,
    count(*) FILTER (WHERE event_name = '${eventNames.order_completed}')::INTEGER AS orders,
    round(coalesce(sum(revenue) FILTER (WHERE event_name = '${eventNames.order_completed}'), 0), 2)::DOUBLE AS revenue
  FROM s GROUP BY anonymous_id, n`;

const SESSION_COLUMNS = `session_id, anonymous_id, user_id,
  strftime(session_start, '%Y-%m-%dT%H:%M:%S.%g') AS session_start,
  strftime(session_end, '%Y-%m-%dT%H:%M:%S.%g') AS session_end,
  event_count, page_views, orders, round(revenue, 2)::DOUBLE AS revenue`;

const plain = (rows: readonly Record<string, unknown>[]) =>
  new Map(
    rows.map((row) => [
      String(row.session_id),
      JSON.parse(JSON.stringify(row, (_, v) => (typeof v === "bigint" ? Number(v) : v))) as Record<string, unknown>,
    ]),
  );

describe("the pipeline under faults", () => {
  it("loses, duplicates and misses nothing while the broker, collector, sink and streams fail", {
    // About 5 minutes on a quiet machine; Spark starts take minutes each when other suites share the cores.
    timeout: 1_500_000,
  }, async () => {
    const started = Date.now();
    // 1. The throwaway stack, the collector, the sink and both streams, before any traffic.
    await stack.script("up", []);
    const [collectorPort] = await freePorts(1);
    let collector = await startCollector(collectorPort as number);
    let sink = startSink();
    // Started beside the traffic (it reads the topic from its start): a Spark start is 20 s on a quiet machine
    // and minutes on a busy one, and the faults below must not wait for it.
    // If it is still starting when the broker goes down, its start may fail: it is started again after the outage.
    const streamReady = stack.script("stream", ["fraud", "start"]).then(
      () => note("fraud stream ready"),
      async (error: Error) => {
        note(`fraud stream start failed (${error.message.split("\n")[0]}), starting it again`);
        await at(36);
        await stack.script("stream", ["fraud", "start"]);
        note("fraud stream ready");
      },
    );
    const setupSeconds = (Date.now() - started) / 1000;

    // 2. The generator, recording every event it ever tried to send (produced) beside what got a 2xx (acks).
    const produced = new Set<string>();
    const recording: TransportFactory = (ip) => {
      const transport = fetchTransports(ip);
      return {
        ...transport,
        send: (url: string, payload: BatchPayload) => {
          for (const event of payload.batch) if (event.messageId) produced.add(event.messageId);
          return transport.send(url, payload);
        },
      };
    };
    t0.at = Date.now();
    const load: Promise<LoadRun> = runLoad({
      host: `http://127.0.0.1:${collectorPort}`,
      writeKey,
      serverWriteKey,
      shoppers: 40,
      seed: Number(process.env.E2E_FAULTS_SEED ?? 5),
      windowMs: 10 * 60_000,
      liveMs: LIVE_SECONDS * 1000,
      fraudCases: 1,
      historyDays: 1,
      runTag: runId,
      transports: recording,
    });

    // 3. The faults, while it sends.
    const faults = (async () => {
      await at(8);
      collector.kill("SIGKILL");
      await collector.exited;
      note(`collector killed (SIGKILL), ${produced.size} events produced so far`);
      await at(11);
      collector = await startCollector(collectorPort as number);
      note("collector restarted and ready");

      await at(16);
      sink.kill("SIGKILL");
      await sink.exited;
      note("sink runner killed (SIGKILL)");
      await at(19);
      sink = startSink();
      note("sink runner restarted");

      await at(24);
      await stack.script("kafka", ["stop"]);
      note("broker stopped (kafka.sh stop)");
      await at(34);
      await stack.script("kafka", ["start"]);
      note("broker started again (kafka.sh start)");

      await at(42);
      // Killed once it has committed a batch of this run's traffic, so the restart has a checkpoint to resume.
      await streamReady;
      const checkpoint = checkpointAt(join(streamDir("fraud"), "checkpoint"));
      await waitFor(
        "a committed batch with traffic",
        () => Object.values(checkpoint.committedOffsets()[topics.raw] ?? {}).some((offset) => offset > 0),
        300_000,
      );
      const killed = stack.killService(join(streamDir("fraud"), "fraud_stream.pid"));
      note(`fraud stream killed (SIGKILL to its session: driver, Spark JVM, Python workers): ${killed}`);
      await stack.script("stream", ["fraud", "start"]);
      note("fraud stream restarted from its checkpoint and ready");
    })();
    void load.then(({ report }) =>
      note(`generator finished (last event at ${((Date.parse(report.lastEventAt) - t0.at) / 1000).toFixed(0)} s)`),
    );
    const [{ report, cases, acks }] = await Promise.all([load, faults]);
    note(
      `generator done: ${JSON.stringify({ sent: report.sent, dropped: report.dropped, failed: report.failedSends })}`,
    );

    // 4. Everything produced got a 2xx in the end; the faults were felt (no answer, 503).
    expect(report.dropped, JSON.stringify(report)).toBe(0);
    expect(produced.size).toBe(report.events);
    expect([...produced].filter((id) => !acks.has(id))).toEqual([]);
    expect(acks.size).toBe(produced.size);
    expect(report.failedSends["0"] ?? 0, JSON.stringify(report.failedSends)).toBeGreaterThan(0);
    expect(report.failedSends["503"] ?? 0, JSON.stringify(report.failedSends)).toBeGreaterThan(0);

    // 5. The pipeline catches up: the sink commits up to the topic's end and the fraud stream reads to it.
    const kafka = new Kafka({ clientId: "e2e-faults", brokers: [stack.env.KAFKA_BROKERS], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = new Map(
        (await admin.fetchTopicOffsets(topics.raw)).map((p) => [String(p.partition), Number(p.high)]),
      );
      const kafkaRecords = [...ends.values()].reduce((a, b) => a + b, 0);
      await waitFor(
        "the sink to commit the whole topic",
        async () => {
          const [group] = await admin.fetchOffsets({ groupId: sinkGroup, topics: [topics.raw] });
          return (group?.partitions ?? []).every((p) => Number(p.offset) >= (ends.get(String(p.partition)) ?? 0));
        },
        120_000,
        sink.log,
      );
      note(`sink caught up with ${kafkaRecords} records`);
      const fraudCheckpoint = checkpointAt(join(streamDir("fraud"), "checkpoint"));
      await waitFor(
        "the fraud stream to read the whole topic",
        () => {
          const read = fraudCheckpoint.committedOffsets()[topics.raw] ?? {};
          return [...ends].every(([p, end]) => (read[p] ?? 0) >= end);
        },
        180_000,
        () => JSON.stringify(fraudCheckpoint.committedOffsets()),
      );
      note("fraud stream caught up");
      await stack.script("stream", ["fraud", "stop"]);

      // 6. Events: every produced event in the lake, once by the contract's dedup rule.
      const engine = await createLocalEngine({ s3, bucket: bucket(), prefix: "", cacheDir: join(stack.dir, "query") });
      engines.push(engine);
      const [counts] = await engine.query<{ rows: number; distinct_ids: number; unique_rows: number }>(`
        SELECT (SELECT count(*) FROM events)::INTEGER AS rows,
          (SELECT count(DISTINCT event_id) FROM events)::INTEGER AS distinct_ids,
          (SELECT count(*) FROM unique_events)::INTEGER AS unique_rows`);
      const lakeIds = new Set(
        (await engine.query<{ event_id: string }>("SELECT DISTINCT event_id FROM events")).map((r) => r.event_id),
      );
      const missing = [...produced].filter((id) => !lakeIds.has(id));
      const unknown = [...lakeIds].filter((id) => !produced.has(id));
      expect({ missing: missing.slice(0, 10), unknown: unknown.slice(0, 10) }).toEqual({ missing: [], unknown: [] });
      expect(counts?.distinct_ids).toBe(produced.size);
      expect(counts?.unique_rows).toBe(produced.size);
      note(
        `events: ${produced.size} produced, ${kafkaRecords} Kafka records, ${counts?.rows} lake rows, ` +
          `${counts?.distinct_ids} distinct ids (${(counts?.rows ?? 0) - (counts?.distinct_ids ?? 0)} extra copies, deduped by unique_events)`,
      );

      // 7. Sessions: the batch job over the lake for each day of the shoppers' window, and the stream.
      const firstDay = report.windowFrom.slice(0, 10);
      const lastDay = report.lastEventAt.slice(0, 10);
      const days = [...new Set([firstDay, lastDay])].sort();
      for (const day of days) {
        await sparkJob(stack.env, "shop_jobs.jobs.sessionize_batch", [
          ...["--events-path", lake("events"), "--sessions-path", lake("sessions")],
          ...["--date", day, "--gap-minutes", String(GAP_MINUTES)],
        ]);
      }
      note(`sessionize_batch ran for ${days.join(", ")}`);
      await engine.refresh();
      const reference = plain(
        await engine.query(
          `SELECT * FROM (${referenceSessions(GAP_MINUTES)}) WHERE session_start >= '${firstDay}' ORDER BY session_id`,
        ),
      );
      const batchRows = await engine.query(`SELECT ${SESSION_COLUMNS} FROM sessions ORDER BY session_id`);
      const batch = plain(batchRows);
      expect(batch.size, "a session_id twice in the batch job's sessions").toBe(batchRows.length);
      expect(batch.size).toBeGreaterThan(20);
      expect([...batch.keys()].sort()).toEqual([...reference.keys()].sort());
      for (const [id, row] of batch) expect(row, id).toEqual(reference.get(id));

      note(`sessions: ${batch.size} by the batch job, equal to the reference row by row`);

      // 8. Fraud: every injected case alerted, no false alarm; alert ids unique in the lake.
      const alerts = await readAlerts({
        brokers: [stack.env.KAFKA_BROKERS],
        topic: topics.alerts,
        settleMs: 0,
        timeoutMs: 60_000,
      });
      const score = scoreRun(cases, alerts, acks);
      const summary = JSON.stringify(score, null, 2);
      expect(score.fraudCases).toBe(3);
      expect(score.recall, summary).toBe(1);
      expect(score.falseAlarms, summary).toBe(0);
      const [lakeAlerts] = await engine.query<{ rows: number; ids: number }>(
        "SELECT count(*)::INTEGER AS rows, count(DISTINCT alert_id)::INTEGER AS ids FROM fraud_alerts",
      );
      expect(lakeAlerts?.rows, "an alert_id twice in fraud_alerts").toBe(lakeAlerts?.ids);
      expect(lakeAlerts?.ids).toBe(score.alerts);
      note(
        `fraud: recall ${score.recall}, ${score.alerts} alerts (${lakeAlerts?.rows} lake rows), ` +
          `${score.repeatedAlertIds} repeated ids on the topic`,
      );
    } finally {
      await admin.disconnect();
      console.log(
        `faults test (setup ${setupSeconds.toFixed(0)} s, total ${((Date.now() - started) / 1000).toFixed(0)} s):\n${timeline.join("\n")}`,
      );
    }
  });
});
