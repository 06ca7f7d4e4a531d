/**
 * End-to-end benchmark: the local runner draining a topic into the S3 server, real broker and store.
 *
 * 1. Produces N generated events to a new topic (not timed).
 * 2. Baseline, same run and topic: a bare kafkajs consumer reading all N records and doing nothing
 *    else — the floor the broker and client put under any consumer on this machine.
 * 3. The runner (`runLocalSink` with the sink handler and the S3 store, default flush thresholds,
 *    `once`) from start until every record is written and committed; also split into its start-up
 *    (connect, join the group, first fetch: until the first batch reaches the handler) and the
 *    steady state after it.
 * Prints events/s (wall and per CPU-second of this process), objects written, and bytes per event in
 * Parquet against the raw JSON; the topic and the objects are removed afterwards.
 *
 *   pnpm --filter @shop/s3-sink bench:e2e [-- --events 100000 --partitions 3]
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { resolveS3ConnectionConfig, resolveSinkConfig } from "../src/config.js";
import { createHandler } from "../src/handler.js";
import { DEFAULT_FLUSH_THRESHOLDS } from "../src/local/accumulator.js";
import { runLocalSink } from "../src/local/runner.js";
import { findStackEnv, withStackDefaults } from "../src/local/stack-env.js";
import { silentLogger } from "../src/logger.js";
import { createS3Client, S3ObjectStore } from "../src/storage/object-store.js";
import { cpuMs, generateEvents } from "./events.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "100000" },
    partitions: { type: "string", default: "3" },
  },
});
const eventCount = Number(values.events);
const partitions = Number(values.partitions);

const env = withStackDefaults(process.env, findStackEnv(dirname(fileURLToPath(import.meta.url))));
const brokers = (env.KAFKA_BROKERS ?? "").split(",").filter(Boolean);
if (brokers.length === 0) throw new Error("KAFKA_BROKERS is not set; start the local stack (make up)");
const runId = `${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
const topic = `s3-sink-bench-${runId}`;
const prefix = `bench/s3-sink-e2e-${runId}`;
const config = resolveSinkConfig({ ...env, SINK_PREFIX: prefix });
const s3 = createS3Client(resolveS3ConnectionConfig(env));
const store = new S3ObjectStore(s3, config.bucket);
const kafka = new Kafka({ clientId: "s3-sink-bench", brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();

async function produce(texts: readonly string[]): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let from = 0; from < texts.length; from += 2_000) {
      await producer.send({
        topic,
        acks: -1,
        messages: texts.slice(from, from + 2_000).map((value, i) => ({ partition: (from + i) % partitions, value })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** The baseline: read every record once with a bare consumer, no work per record. */
async function consumeOnly(): Promise<{ wallMs: number; cpuMs: number }> {
  const consumer = kafka.consumer({ groupId: `${topic}-baseline` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const wall = performance.now();
  const cpu = cpuMs();
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          seen += batch.messages.length;
          if (seen >= eventCount) resolve();
        },
      })
      .catch(reject);
  });
  const result = { wallMs: performance.now() - wall, cpuMs: cpuMs() - cpu };
  await consumer.disconnect();
  return result;
}

const texts = generateEvents(eventCount, `e2e-${runId}`);
const jsonBytes = texts.reduce((n, s) => n + Buffer.byteLength(s), 0);
await admin.connect();
try {
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  await produce(texts);

  const baseline = await consumeOnly();

  const sinkHandler = createHandler({ store, config, logger: silentLogger });
  let firstBatchAt: number | undefined;
  const handler: typeof sinkHandler = (event) => {
    firstBatchAt ??= performance.now();
    return sinkHandler(event);
  };
  const wall = performance.now();
  const cpu = cpuMs();
  const summary = await runLocalSink(handler, {
    brokers,
    topic,
    groupId: `${topic}-sink`,
    flush: DEFAULT_FLUSH_THRESHOLDS,
    once: true,
    logger: silentLogger,
  });
  const end = performance.now();
  const runner = { wallMs: end - wall, cpuMs: cpuMs() - cpu };
  const startupMs = (firstBatchAt ?? end) - wall;
  if (summary.records !== eventCount) throw new Error(`the runner committed ${summary.records} of ${eventCount}`);

  const objects = (await store.list(`${prefix}/`)).filter((o) => o.key.endsWith(".parquet"));
  const parquetBytes = objects.reduce((n, o) => n + o.size, 0);
  const perSecond = (ms: number) => Math.round(eventCount / (ms / 1000));
  console.log(
    JSON.stringify(
      {
        events: eventCount,
        partitions,
        loadAverage1m: +(os.loadavg()[0] ?? 0).toFixed(2),
        cpus: os.cpus().length,
        flush: DEFAULT_FLUSH_THRESHOLDS,
        runnerEventsPerSecond: perSecond(runner.wallMs),
        runnerEventsPerCpuSecond: perSecond(runner.cpuMs),
        runnerStartupMs: Math.round(startupMs),
        runnerSteadyEventsPerSecond: perSecond(runner.wallMs - startupMs),
        baselineConsumeOnlyEventsPerSecond: perSecond(baseline.wallMs),
        baselineConsumeOnlyEventsPerCpuSecond: perSecond(baseline.cpuMs),
        batches: summary.batches,
        objects: objects.length,
        jsonBytesPerEvent: +(jsonBytes / eventCount).toFixed(1),
        parquetBytesPerEvent: +(parquetBytes / eventCount).toFixed(1),
        parquetToJsonRatio: `1/${(jsonBytes / parquetBytes).toFixed(1)}`,
      },
      null,
      2,
    ),
  );
  await store.delete(objects.map((o) => o.key));
} finally {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  s3.destroy();
}
