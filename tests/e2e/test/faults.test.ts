/**
 * The pipeline under faults (issue #16, point 5), on a stack of its own: a throwaway Kafka broker and S3 server
 * (moto) under a temporary STACK_DIR on free loopback ports, started and stopped by scripts/stack/*.sh, so the
 * shared stack the other suites use is never touched. On it: the collector and the sink's local runner as
 * processes of their own, the three streaming jobs (scripts/stack/stream.sh: fraud scoring and live metrics on the
 * raw topic, sessions on the lake's files), and the load generator sending through @shop/tracker: a replay of the
 * last 10 minutes, then 60 s of live traffic with one case of each fraud scenario and hard negative starting 30 s
 * in (their last steps run to about 330 s, which bounds the test's time).
 *
 * Timeline (seconds after the generator starts; every fault lands while it keeps sending):
 *    8  SIGKILL the collector; 11 restart it on the same port. Requests in flight get no answer (status 0) and
 *       the SDK re-sends them; a batch Kafka had taken before the kill arrives twice (same messageIds).
 *   16  SIGKILL the sink runner; 19 restart it. The batch it had written but not committed comes back: the same
 *       object keys are written again, or an overlapping range if the restart cuts batches differently.
 *   24  stop the broker cleanly (kafka.sh stop); 34 start it again. The collector answers 503 + Retry-After
 *       after its publish timeout and the SDK retries; the sink runner and the streams ride it out. The fraud
 *       cases start at 30 s, inside the outage: their events reach Kafka only through the SDK's retries.
 *   42  SIGKILL the fraud stream (driver, Spark JVM and Python workers: its whole session) and restart it with
 *       stream.sh start, which resumes from its checkpoint while traffic goes on; at 48 the live metrics stream,
 *       and the sessions stream once it runs, the same way. Each is killed once it has committed a batch of this
 *       run's traffic: later when its Spark start is slow. The two Kafka-fed streams start beside the traffic
 *       (reading the topic from its start); the sessions stream once the lake holds what the topic had at 40 s,
 *       the whole replay (a replay sends up to 5 minutes of event time out of order, more than its watermark).
 * Afterwards, once the sink has committed and the streams have read everything:
 *   - every event the generator produced got a 2xx in the end (acks = produced, nothing dropped) and is in the
 *     lake: the distinct event_ids of `events` equal the produced ids, and `unique_events` (the contract's
 *     dedup rule, which every reader applies) has each exactly once. Extra raw copies (re-sends, sink retries)
 *     are counted and printed, not hidden;
 *   - live metrics: each minute of the live part, its newest revision in the live_metrics table equals
 *     @shop/query's figures over unique_events for that minute (nothing lost or counted twice across the
 *     stream's crash), and no (minute, revision) is written twice. Minutes of the replay are left out: it sends
 *     event time up to 5 minutes out of order, and the stream rightly drops what is behind its 2-minute watermark;
 *   - sessions, by a reference written here in DuckDB SQL over `unique_events` from the rule in the sessions
 *     table's docs (not the jobs' code): each session the stream emitted equals its reference row, and it
 *     emitted every session its watermark had closed (last event + gap + 3 minutes before the newest event);
 *     then the batch job (sessionize_batch, for each day of the shoppers' window, rewriting those days as the
 *     daily DAG does) equals the reference row by row, every session; no session_id twice in either;
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
import { liveBesideLake } from "./support/live-minutes.js";
import { freePorts } from "./support/ports.js";
import { stackEnv } from "./support/stack-env.js";

const runId = randomUUID().slice(0, 8);
const GAP_MINUTES = 2;
/** The sessions stream's default watermark (sessions_stream.py): a session is emitted this long after its gap. */
const SESSIONS_WATERMARK_MINUTES = 3;
const LIVE_SECONDS = 60;
const topics = {
  raw: `faults-${runId}.raw`,
  invalid: `faults-${runId}.invalid`,
  alerts: `faults-${runId}.alerts`,
  metrics: `faults-${runId}.metrics`,
};
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

type StreamName = "fraud" | "live-metrics" | "sessions";
/** stream.sh's PID file of each stream: the job module's name. */
const STREAM_PID_FILES: Record<StreamName, string> = {
  fraud: "fraud_stream.pid",
  "live-metrics": "live_metrics.pid",
  sessions: "sessions_stream.pid",
};
const streamDir = (name: StreamName) => join(stack.dir, "stream", name);
const checkpointOf = (name: StreamName) => checkpointAt(join(streamDir(name), "checkpoint"));
/** A Kafka-fed stream has committed a batch that read some of this run's traffic. */
const readTraffic = (name: StreamName) => () =>
  Object.values(checkpointOf(name).committedOffsets()[topics.raw] ?? {}).some((offset) => offset > 0);
const bucket = () => stack.env.S3_BUCKET ?? "shop-analytics-local";
const lake = (path: string) => `s3a://${bucket()}/${path}`;

beforeAll(async () => {
  const shared = stackEnv();
  stack = await throwawayStack(shared, {
    KAFKA_TOPIC_RAW: topics.raw,
    KAFKA_TOPIC_INVALID: topics.invalid,
    KAFKA_TOPIC_FRAUD: topics.alerts,
    KAFKA_TOPIC_METRICS: topics.metrics,
    // A Spark start takes minutes when the machine is busy (other suites' JVMs and browsers).
    FRAUD_STREAM_START_TIMEOUT: "600",
    LIVE_METRICS_STREAM_START_TIMEOUT: "600",
    SESSIONS_STREAM_START_TIMEOUT: "600",
    // The test's short gap; a 10 s trigger so that sessions are emitted soon after the watermark passes them.
    SESSIONS_STREAM_ARGS: `--gap-minutes ${GAP_MINUTES} --trigger-seconds 10 --source files`,
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
    // Well inside the broker's 10 s outage, so requests then are answered 503 + Retry-After: with the default 5 s,
    // how many were depended on when the SDK's sends fell in the outage (2 in one run, none in another).
    COLLECTOR_PUBLISH_TIMEOUT_MS: "2000",
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

/** stream.sh start. A start the broker's outage cut short (a Spark start is slow) is made again after it. */
async function startStream(name: StreamName): Promise<void> {
  await stack.script("stream", [name, "start"]).catch(async (error: Error) => {
    note(`${name} stream start failed (${error.message.split("\n")[0]}), starting it again after the outage`);
    await at(36);
    await stack.script("stream", [name, "start"]);
  });
  note(`${name} stream ready`);
}

/** SIGKILL to a stream's whole session (driver, Spark JVM, Python workers) once `ready`, then stream.sh start. */
async function crashStream(name: StreamName, ready: () => boolean): Promise<void> {
  await waitFor(`the ${name} stream to commit a batch of this run's traffic`, ready, 300_000);
  const killed = await stack.killService(join(streamDir(name), STREAM_PID_FILES[name]));
  note(`${name} stream killed (SIGKILL to its session): ${killed}`);
  await stack.script("stream", [name, "start"]);
  note(`${name} stream restarted from its checkpoint and ready`);
}

/** Sessions by the rule in the sessions table's docs, in DuckDB over unique_events (not the Spark jobs' code). */
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
    // About 6 minutes on a quiet machine; Spark starts take minutes each when other suites share the cores.
    timeout: 1_500_000,
  }, async () => {
    const started = Date.now();
    // 1. The throwaway stack, the collector, the sink and the Kafka-fed streams, before any traffic.
    await stack.script("up", []);
    const kafka = new Kafka({ clientId: "e2e-faults", brokers: [stack.env.KAFKA_BROKERS], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const topicEnds = async () =>
      new Map((await admin.fetchTopicOffsets(topics.raw)).map((p) => [String(p.partition), Number(p.high)]));
    const sinkCommitted = (ends: Map<string, number>) => async () => {
      const [group] = await admin.fetchOffsets({ groupId: sinkGroup, topics: [topics.raw] });
      return (group?.partitions ?? []).every((p) => Number(p.offset) >= (ends.get(String(p.partition)) ?? 0));
    };
    const [collectorPort] = await freePorts(1);
    let collector = await startCollector(collectorPort as number);
    let sink = startSink();
    // Started beside the traffic (they read the topic from its start): a Spark start is 20 s on a quiet machine
    // and minutes on a busy one, and the faults below must not wait for it.
    const fraudReady = startStream("fraud");
    const liveReady = startStream("live-metrics");
    const setupSeconds = (Date.now() - started) / 1000;

    try {
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
      // The sessions stream reads the lake's files: it starts once the lake has the whole replay.
      const sessionsReady = (async () => {
        await at(40);
        await waitFor("the sink to commit what the topic held at 40 s", sinkCommitted(await topicEnds()), 300_000);
        await startStream("sessions");
      })();

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

        // Each stream is killed once it has committed a batch of this run's traffic, so its restart has a
        // checkpoint (offsets or files read, and its state) to resume from; the three independently, so that
        // slow Spark starts do not push the later kills past the traffic.
        await at(42);
        await Promise.all([
          fraudReady.then(() => crashStream("fraud", readTraffic("fraud"))),
          liveReady.then(() => at(48)).then(() => crashStream("live-metrics", readTraffic("live-metrics"))),
          sessionsReady.then(() => crashStream("sessions", () => checkpointOf("sessions").lastCommit() >= 0)),
        ]);
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

      // 5. The pipeline catches up: the sink commits up to the topic's end and the Kafka-fed streams read to it.
      const ends = await topicEnds();
      const kafkaRecords = [...ends.values()].reduce((a, b) => a + b, 0);
      await waitFor("the sink to commit the whole topic", sinkCommitted(ends), 120_000, sink.log);
      note(`sink caught up with ${kafkaRecords} records`);
      for (const name of ["fraud", "live-metrics"] as const) {
        const checkpoint = checkpointOf(name);
        await waitFor(
          `the ${name} stream to read the whole topic`,
          () => {
            const read = checkpoint.committedOffsets()[topics.raw] ?? {};
            return [...ends].every(([p, end]) => (read[p] ?? 0) >= end);
          },
          180_000,
          () => JSON.stringify(checkpoint.committedOffsets()),
        );
        note(`${name} stream caught up`);
        await stack.script("stream", [name, "stop"]);
      }

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

      // 7. Live metrics: the live part's minutes (from the first whole minute after the replay) equal the lake's.
      const liveFrom = Math.floor(t0.at / 60_000) * 60 + 60;
      const { live, lake: lakeMinutes } = await liveBesideLake(engine, `epoch(minute) >= ${liveFrom}`);
      expect(lakeMinutes.length, "minutes of the live part").toBeGreaterThanOrEqual(3);
      expect(live).toEqual(lakeMinutes);
      const rewritten = await engine.query(
        "SELECT minute, revision FROM live_metrics GROUP BY ALL HAVING count(*) > 1 LIMIT 5",
      );
      expect(rewritten, "a (minute, revision) written twice to live_metrics").toEqual([]);
      note(
        `live metrics: ${live.length} minutes of the live part equal the lake's (${live.reduce((n, m) => n + m.events, 0)} events)`,
      );

      // 8. Sessions from the stream: each equals the reference; every session its watermark closed is there.
      const reference = plain(
        await engine.query(`SELECT * FROM (${referenceSessions(GAP_MINUTES)}) ORDER BY session_id`),
      );
      const closable = (
        await engine.query<{ session_id: string }>(`
          SELECT session_id FROM (${referenceSessions(GAP_MINUTES)})
          WHERE session_end::TIMESTAMP + INTERVAL ${GAP_MINUTES + SESSIONS_WATERMARK_MINUTES + 1} MINUTE
            < (SELECT max(event_ts) FROM unique_events)`)
      ).map((r) => r.session_id);
      expect(closable.length, "sessions the stream's watermark closes").toBeGreaterThan(10);
      const streamedRows = async () => {
        await engine.refresh();
        return engine.query(`SELECT ${SESSION_COLUMNS} FROM sessions ORDER BY session_id`);
      };
      let streamed = new Map<string, Record<string, unknown>>();
      await waitFor(
        "the sessions stream to emit every session its watermark closed",
        async () => {
          streamed = plain(await streamedRows());
          return closable.every((id) => streamed.has(id));
        },
        240_000,
      ).catch((error: Error) => note(error.message.split("\n")[0] ?? ""));
      await stack.script("stream", ["sessions", "stop"]);
      const streamedList = await streamedRows();
      streamed = plain(streamedList);
      expect(streamed.size, "a session_id twice in the stream's sessions").toBe(streamedList.length);
      expect(
        closable.filter((id) => !streamed.has(id)),
        "closed sessions the stream did not emit",
      ).toEqual([]);
      for (const [id, row] of streamed) expect(row, id).toEqual(reference.get(id));
      note(`sessions stream: ${streamed.size} emitted (${closable.length} closed by its watermark), each = reference`);

      // 9. Sessions from the batch job over the lake for each day of the shoppers' window: it rewrites those days
      //    (the stream's rows included), and every session equals the reference.
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
      const inDays = `session_start >= '${firstDay}'`;
      const referenceInDays = plain(
        await engine.query(`SELECT * FROM (${referenceSessions(GAP_MINUTES)}) WHERE ${inDays} ORDER BY session_id`),
      );
      const batchRows = await engine.query(
        `SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${inDays} ORDER BY session_id`,
      );
      const batch = plain(batchRows);
      expect(batch.size, "a session_id twice in the batch job's sessions").toBe(batchRows.length);
      expect(batch.size).toBeGreaterThan(20);
      expect([...batch.keys()].sort()).toEqual([...referenceInDays.keys()].sort());
      for (const [id, row] of batch) expect(row, id).toEqual(referenceInDays.get(id));
      note(`sessions: ${batch.size} by the batch job, equal to the reference row by row`);

      // 10. Fraud: every injected case alerted, no false alarm; alert ids unique in the lake.
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
