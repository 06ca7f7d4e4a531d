/**
 * Fraud scoring end to end, on the real local stack: labelled traffic from the load generator (shoppers
 * in browsers and the shop's backend, through @shop/tracker) → collector → Kafka → the PySpark scoring
 * stream → alerts on Kafka. The stream is killed with SIGKILL mid-way and restarted from its checkpoint.
 *
 * Checks: precision and recall against the run's labels (≥ 0.9 each); across the crash no alert is
 * lost and none is extra (the unique alert ids equal those of an undisturbed run of the same job over
 * the same records); a replayed alert keeps its id.
 * Every run uses its own topics and folders, so it never sees another run's data.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  caseIndex,
  type FraudScore,
  readAlerts,
  runLoad,
  type SeenAlert,
  scoreRun,
} from "@shop/example-load-generator";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCollector } from "./support/collector.js";
import { repoRoot, stackEnv } from "./support/stack-env.js";

const jobs = join(repoRoot, "packages/processing-jobs");

const env = stackEnv();
const brokers = env.KAFKA_BROKERS.split(",");
const runId = randomUUID().slice(0, 8);
// One partition: the job is run with a cap per micro-batch, which is only safe when the topic holds the
// events in one time order (see StreamSettings.max_offsets_per_trigger).
const rawTopic = `e2e-fraud-${runId}.raw`;
const invalidTopic = `e2e-fraud-${runId}.invalid`;
const alertsTopic = `e2e-fraud-${runId}.alerts`;
const referenceTopic = `e2e-fraud-${runId}.alerts-reference`;
const work = mkdtempSync(join(tmpdir(), "shop-e2e-fraud-"));
const kafka = new Kafka({ clientId: "e2e-fraud", brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const running = new Set<ChildProcess>();

/** The scoring job as stack/stream.sh runs it, in its own process group (the driver and its JVM). */
function startJob(
  name: string,
  args: string[],
): { child: ChildProcess; exited: Promise<number | null>; log: () => string } {
  let log = "";
  const child = spawn(
    join(jobs, ".venv/bin/python"),
    ["-m", "shop_jobs.jobs.fraud_stream", "--brokers", env.KAFKA_BROKERS, "--topic", rawTopic, ...args],
    {
      cwd: jobs,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env, PYSPARK_PYTHON: join(jobs, ".venv/bin/python") },
    },
  );
  for (const stream of [child.stdout, child.stderr])
    stream?.on("data", (chunk) => {
      log += chunk;
    });
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, exited, log: () => `${name}:\n${log.slice(-4000)}` };
}

const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  if (child.pid !== undefined && child.exitCode === null) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  }
};

const commits = (checkpoint: string) =>
  existsSync(join(checkpoint, "commits"))
    ? readdirSync(join(checkpoint, "commits"))
        .filter((f) => /^\d+$/.test(f))
        .map(Number)
    : [];

/** The raw topic's offset the newest committed batch read up to. */
function committedOffset(checkpoint: string): number {
  const batch = Math.max(-1, ...commits(checkpoint));
  if (batch < 0) return 0;
  const lines = readFileSync(join(checkpoint, "offsets", String(batch)), "utf8")
    .trim()
    .split("\n");
  const offsets = JSON.parse(lines.at(-1) ?? "{}") as Record<string, Record<string, number>>;
  return offsets[rawTopic]?.["0"] ?? 0;
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({
    topics: [rawTopic, invalidTopic, alertsTopic, referenceTopic].map((topic) => ({ topic, numPartitions: 1 })),
    waitForLeaders: true,
  });
});

afterAll(async () => {
  for (const child of running) killGroup(child, "SIGKILL");
  if (process.env.E2E_KEEP) return;
  await admin.deleteTopics({ topics: [rawTopic, invalidTopic, alertsTopic, referenceTopic] }).catch(() => undefined);
  await admin.disconnect();
  rmSync(work, { recursive: true, force: true });
});

describe("fraud scoring on labelled traffic", () => {
  it("finds the frauds, spares the hard negatives, and loses or adds no alert across a SIGKILL", {
    timeout: 900_000,
  }, async () => {
    // 1. Labelled traffic through a real collector (shoppers' addresses arrive in X-Forwarded-For from loopback).
    const collector = await startCollector(env, { raw: rawTopic, invalid: invalidTopic }, "e2e-fraud");
    const { report, cases } = await runLoad({
      host: collector.url,
      writeKey: collector.writeKey,
      serverWriteKey: collector.serverWriteKey,
      shoppers: 30,
      seed: Number(process.env.E2E_FRAUD_SEED ?? 11),
      windowMs: 3 * 3_600_000,
      fraudCases: 2,
      runTag: runId,
    });
    await collector.close();
    expect(report.dropped).toBe(0);
    const end = Number((await admin.fetchTopicOffsets(rawTopic))[0]?.high);
    expect(end).toBe(report.sent);

    // 2. The stream, in batches of at most a fifth of the records; SIGKILL once a batch has committed.
    const checkpoint = join(work, "checkpoint");
    const streamArgs = [
      "--alerts-topic",
      alertsTopic,
      "--alerts-path",
      join(work, "fraud_alerts"),
      "--checkpoint",
      checkpoint,
      "--starting-offsets",
      "earliest",
      "--trigger-seconds",
      "0.5",
      "--max-offsets-per-trigger",
      String(Math.ceil(end / 5)),
    ];
    const first = startJob("first run", streamArgs);
    await waitFor("a committed batch", () => commits(checkpoint).length >= 1, 240_000, first.log);
    killGroup(first.child, "SIGKILL");
    await first.exited;
    const committedAtKill = committedOffset(checkpoint);
    expect(committedAtKill).toBeGreaterThan(0);
    expect(committedAtKill).toBeLessThan(end); // killed mid-stream, not after the end

    // 3. Restart from the checkpoint; stop it once every record is committed.
    const second = startJob("restart", streamArgs);
    await waitFor("the whole topic committed", () => committedOffset(checkpoint) >= end, 240_000, second.log);
    killGroup(second.child, "SIGTERM");
    await second.exited;

    // 4. The same job, undisturbed, on the same records: the alerts the crash must neither lose nor add to.
    const reference = startJob("reference", [
      "--alerts-topic",
      referenceTopic,
      "--alerts-path",
      join(work, "fraud_alerts_reference"),
      "--checkpoint",
      join(work, "checkpoint-reference"),
      "--starting-offsets",
      "earliest",
      "--available-now",
    ]);
    expect(await reference.exited, reference.log()).toBe(0);

    const read = (topic: string) => readAlerts({ brokers, topic, settleMs: 0, timeoutMs: 60_000 });
    const [alerts, expected] = await Promise.all([read(alertsTopic), read(referenceTopic)]);
    const ids = (list: SeenAlert[]) => [...new Set(list.map((a) => a.alertId))].sort();
    expect(expected.length).toBeGreaterThan(0);
    const caseOf = caseIndex(cases);
    const describeAlert = (a: SeenAlert) => {
      const c = caseOf(a);
      return `${a.alertId} ${c?.scenario} ${c?.caseId} ${a.eventId} ${a.eventTs} ${a.score} ${a.reasons.map((r) => r.code).join(",")}`;
    };
    const got = new Set(ids(alerts));
    const want = new Set(ids(expected));
    const diff = [
      ...expected.filter((a) => !got.has(a.alertId)).map((a) => `missing ${describeAlert(a)}`),
      ...alerts.filter((a) => !want.has(a.alertId)).map((a) => `extra ${describeAlert(a)}`),
    ];
    if (process.env.E2E_KEEP) console.log(JSON.stringify({ rawTopic, work, diff, committedAtKill, end }, null, 2));
    expect(ids(alerts), diff.join("\n")).toEqual(ids(expected));
    expect(alerts.every((a) => a.score >= a.threshold && a.reasons.length > 0)).toBe(true);

    // 5. Against the labels.
    const score: FraudScore = scoreRun(cases, alerts, new Map());
    const summary = JSON.stringify(score, null, 2);
    if (process.env.E2E_KEEP) console.log(summary);
    expect(score.fraudCases).toBe(6);
    expect(score.precision, summary).toBeGreaterThanOrEqual(0.9);
    expect(score.recall, summary).toBeGreaterThanOrEqual(0.9);
    for (const scenario of ["card_testing", "account_takeover", "bot_checkout"]) {
      expect(score.byScenario[scenario]?.alerted, summary).toBeGreaterThan(0);
    }
    for (const scenario of ["big_spender", "traveller", "declined_once"]) {
      expect(score.byScenario[scenario], summary).toEqual({ cases: 2, alerted: 0 });
    }
  });
});
