/**
 * The local runner rides out a broker restart. tests/e2e/test/faults.test.ts saw it exit when the broker went
 * down while the consumer was (re)joining its group: kafkajs crashed with "Failed to find group coordinator", an
 * error it does not restart on, and nothing produced after the restart reached the lake. The runner now rejoins
 * its group with a fresh consumer on any such crash (for up to rejoinWindowMs) and resumes from the committed
 * offsets. This test stops the broker for 20 s under a running runner; it does not force that exact race
 * (the crash needs the broker to go while a JoinGroup is in flight), which the end-to-end fault test hits.
 * The broker is one of its own (scripts/stack/kafka.sh under a temporary STACK_DIR on free loopback ports), so
 * stopping it disturbs nobody; S3 is the stack's server, under a unique prefix.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { S3Client } from "@aws-sdk/client-s3";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveSinkConfig } from "../../src/config.js";
import { createHandler } from "../../src/handler.js";
import { runLocalSink } from "../../src/local/runner.js";
import { silentLogger } from "../../src/logger.js";
import { decodeParquet } from "../../src/parquet/encode.js";
import { S3ObjectStore } from "../../src/storage/object-store.js";
import { uniqueCollectedFixtures } from "../support/contract-fixtures.js";
import { bucket, env, getObject, listObjects, requireS3, s3Client, uniqueId } from "./stack.js";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const topic = "sink-restart.raw";
const stackDir = mkdtempSync(join(tmpdir(), "s3-sink-broker-restart-"));
let brokerEnv: Record<string, string>;
let s3: S3Client;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === "object" && address ? address.port : 0;
}

const kafkaSh = (action: string) =>
  run("bash", [join(repoRoot, "scripts/stack/kafka.sh"), action], {
    env: { ...process.env, ...brokerEnv },
    timeout: 180_000,
  });

beforeAll(async () => {
  s3 = s3Client();
  await requireS3(s3);
  const [port, controller] = [await freePort(), await freePort()];
  brokerEnv = {
    ...(env as Record<string, string>),
    STACK_DIR: stackDir,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controller),
    KAFKA_BROKERS: `127.0.0.1:${port}`,
    KAFKA_TOPIC_RAW: topic,
    KAFKA_RAW_PARTITIONS: "2",
    KAFKA_HEAP_OPTS: "-Xms128m -Xmx384m",
  };
  await kafkaSh("start");
}, 180_000);

afterAll(async () => {
  await kafkaSh("stop").catch(() => undefined);
  rmSync(stackDir, { recursive: true, force: true });
  s3?.destroy();
}, 120_000);

async function produce(ids: string) {
  const kafka = new Kafka({
    clientId: "s3-sink-restart-it",
    brokers: [brokerEnv.KAFKA_BROKERS as string],
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const events = uniqueCollectedFixtures(2, ids);
  await producer.send({
    topic,
    acks: -1,
    messages: events.map(({ collected }, i) => ({ partition: i % 2, value: JSON.stringify(collected) })),
  });
  await producer.disconnect();
  return events.map(({ collected }) => collected.event.messageId);
}

async function lakeIds(prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (const { key } of (await listObjects(s3, prefix)).filter((o) => o.key.endsWith(".zstd.parquet"))) {
    for (const row of decodeParquet((await getObject(s3, key)).bytes).toArray())
      ids.push(String(row.toJSON().event_id));
  }
  return ids.sort();
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}

describe("local runner across a broker restart", () => {
  it("rejoins its group after the broker comes back and writes what was produced before and after", {
    timeout: 300_000,
  }, async () => {
    const prefix = uniqueId("sink-it/broker-restart");
    const config = resolveSinkConfig({ ...env, SINK_BUCKET: bucket, SINK_PREFIX: prefix });
    const handler = createHandler({ store: new S3ObjectStore(s3, bucket), config, logger: silentLogger });
    const abort = new AbortController();
    const runner = runLocalSink(handler, {
      brokers: [brokerEnv.KAFKA_BROKERS as string],
      topic,
      groupId: uniqueId("sink-restart-group"),
      flush: { maxRecords: 1000, maxBytes: 4 * 1024 * 1024, maxWaitMs: 200 },
      logger: silentLogger,
      signal: abort.signal,
      rejoinBackoffMs: 200,
    });
    let settled = false;
    runner.then(
      () => (settled = true),
      () => (settled = true),
    );

    const before = await produce("before");
    expect(await until(async () => (await lakeIds(prefix)).length >= before.length, 60_000)).toBe(true);

    // Down long enough for the consumer's own retries to run out, as in a real restart (tens of seconds).
    await kafkaSh("stop");
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    await kafkaSh("start");
    const after = await produce("after");
    const landed = await until(
      async () => new Set(await lakeIds(prefix)).size >= before.length + after.length || settled,
      120_000,
    );
    expect(settled, "the runner exited while the broker was away").toBe(false);
    expect(landed).toBe(true);
    abort.abort();
    await expect(runner).resolves.toMatchObject({ stopReason: "aborted" });
    expect([...new Set(await lakeIds(prefix))].sort()).toEqual([...before, ...after].sort());
  });
});
