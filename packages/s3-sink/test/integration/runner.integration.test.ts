import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { S3Client } from "@aws-sdk/client-s3";
import type { StorageRow } from "@shop/event-schema";
import { type Admin, Kafka, logLevel, type Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveSinkConfig, type SinkConfig } from "../../src/config.js";
import { parseObjectKey } from "../../src/core/object-key.js";
import { partitionFor, partitionPath } from "../../src/core/partition.js";
import { createHandler } from "../../src/handler.js";
import { runLocalSink } from "../../src/local/runner.js";
import { silentLogger } from "../../src/logger.js";
import { decodeParquet } from "../../src/parquet/encode.js";
import { S3ObjectStore } from "../../src/storage/object-store.js";
import { expectedFixtureRows, uniqueCollectedFixtures } from "../support/contract-fixtures.js";
import { brokers, bucket, env, getObject, listObjects, requireKafka, requireS3, s3Client, uniqueId } from "./stack.js";

const PARTITIONS = 3;
let s3: S3Client;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
const topics: string[] = [];

beforeAll(async () => {
  s3 = s3Client();
  await requireS3(s3);
  await requireKafka();
  kafka = new Kafka({ clientId: "s3-sink-it", brokers, logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await Promise.all([admin.connect(), producer.connect()]);
});

afterAll(async () => {
  if (topics.length > 0) await admin?.deleteTopics({ topics }).catch(() => undefined);
  await Promise.all([producer?.disconnect(), admin?.disconnect()]);
  s3?.destroy();
});

async function createTopic(numPartitions = PARTITIONS): Promise<string> {
  const topic = uniqueId("s3-sink-it");
  await admin.createTopics({
    topics: [{ topic, numPartitions, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  topics.push(topic);
  return topic;
}

/** Produces collected fixtures round-robin over the partitions; returns them and their JSON bytes. */
async function produceFixtures(topic: string, copies: number, idPrefix: string, partitions = PARTITIONS) {
  const events = uniqueCollectedFixtures(copies, idPrefix);
  const values = events.map(({ collected }) => JSON.stringify(collected));
  await producer.send({
    topic,
    acks: -1,
    messages: values.map((value, i) => ({
      partition: i % partitions,
      key: events[i]?.collected.event.messageId ?? null,
      value,
    })),
  });
  return { events, jsonBytes: values.reduce((n, v) => n + Buffer.byteLength(v), 0) };
}

async function committedOffsets(groupId: string, topic: string) {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

async function endOffsets(topic: string) {
  return Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
}

/** Every Parquet row under the prefix, checked to sit in the partition the rule gives it. */
async function readAllRows(prefix: string, config: SinkConfig) {
  const objects = (await listObjects(s3, prefix)).filter((o) => o.key.endsWith(".zstd.parquet"));
  const rows: StorageRow[] = [];
  for (const { key } of objects) {
    for (const row of decodeParquet((await getObject(s3, key)).bytes).toArray()) {
      const value = { ...row.toJSON() } as StorageRow;
      expect(key).toContain(`/events/${partitionPath(partitionFor(value, config.partitioning))}/`);
      rows.push(value);
    }
  }
  return { objects, rows };
}

const sinkFor = (prefix: string) => {
  const config = resolveSinkConfig({ ...env, SINK_BUCKET: bucket, SINK_PREFIX: prefix });
  return { config, handler: createHandler({ store: new S3ObjectStore(s3, bucket), config, logger: silentLogger }) };
};

describe("local runner against the real broker and S3 server", () => {
  it("drains a topic into Parquet exactly once, commits what it wrote, and stops when caught up", async () => {
    const topic = await createTopic();
    const groupId = uniqueId("s3-sink-it-group");
    const prefix = uniqueId("sink-it/runner");
    const { config, handler } = sinkFor(prefix);
    const { events, jsonBytes } = await produceFixtures(topic, 40, "run");
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { partition: 0, value: "not json at all" },
        { partition: 1, value: JSON.stringify({ ...events[0]?.collected, event: { type: "track" } }) },
      ],
    });
    const flush = { maxRecords: 64, maxBytes: 4 * 1024 * 1024, maxWaitMs: 300 };

    const started = performance.now();
    const summary = await runLocalSink(handler, { brokers, topic, groupId, flush, once: true, logger: silentLogger });
    const seconds = (performance.now() - started) / 1000;

    expect(summary.stopReason).toBe("caught-up");
    expect(summary.records).toBe(events.length + 2);
    // Batches never exceed the record limit, as Lambda's batch size.
    expect(summary.batches).toBeGreaterThanOrEqual(Math.ceil((events.length + 2) / flush.maxRecords));
    expect(await committedOffsets(groupId, topic)).toEqual(await endOffsets(topic));

    const { objects, rows } = await readAllRows(prefix, config);
    expect(rows).toHaveLength(events.length);
    const byId = new Map(rows.map((r) => [r.event_id, r]));
    expect(byId.size).toBe(events.length);
    for (const { fixture, collected } of events) {
      expect(byId.get(collected.event.messageId)).toEqual({
        ...expectedFixtureRows[fixture],
        event_id: collected.event.messageId,
      });
    }
    // Ranges of one partition never overlap (nothing was written twice) and none is longer than a batch.
    const ranges = objects.map((o) => parseObjectKey(o.key));
    for (const partition of [0, 1, 2]) {
      const own = [
        ...new Map(ranges.filter((r) => r?.partition === partition).map((r) => [r?.firstOffset, r])).values(),
      ];
      own.sort((a, b) => (a?.firstOffset ?? 0) - (b?.firstOffset ?? 0));
      own.forEach((r, i) => {
        expect(r?.topic).toBe(topic);
        expect((r?.lastOffset ?? 0) - (r?.firstOffset ?? 0) + 1).toBeLessThanOrEqual(flush.maxRecords);
        if (i > 0) expect(r?.firstOffset).toBeGreaterThan(own[i - 1]?.lastOffset ?? Number.POSITIVE_INFINITY);
      });
    }

    const deadLetterObjects = (await listObjects(s3, prefix)).filter((o) => o.key.includes("/dead-letter/sink/"));
    const deadLetters = [];
    for (const { key } of deadLetterObjects) {
      deadLetters.push(
        ...Buffer.from((await getObject(s3, key)).bytes)
          .toString()
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l)),
      );
    }
    expect(deadLetters.map((d) => d.reason.code).sort()).toEqual(["not_collected_event", "not_json"]);

    const parquetBytes = objects.reduce((n, o) => n + o.size, 0);
    // Informational: the fixtures span several days, so each batch splits into many small hour files
    // whose footers dominate; the bench measures large-batch bytes per event.
    console.info(
      `[s3-sink] runner: ${events.length + 2} records, ${summary.batches} batches, ${objects.length} Parquet objects ` +
        `in ${seconds.toFixed(2)} s; Parquet ${parquetBytes} B vs CollectedEvent JSON ${jsonBytes} B`,
    );

    // A second pass finds nothing to do and writes nothing.
    const again = await runLocalSink(handler, { brokers, topic, groupId, flush, once: true, logger: silentLogger });
    expect(again).toMatchObject({ stopReason: "caught-up", batches: 0, records: 0 });
    expect(await listObjects(s3, prefix)).toEqual(
      [...objects, ...deadLetterObjects].sort((a, b) => (a.key < b.key ? -1 : 1)),
    );

    // New records after that are picked up from the committed offsets, and --idle-exit-ms ends the run.
    const more = await produceFixtures(topic, 2, "more");
    const idle = await runLocalSink(handler, {
      brokers,
      topic,
      groupId,
      flush,
      idleExitMs: 1_500,
      logger: silentLogger,
    });
    expect(idle).toMatchObject({ stopReason: "idle", records: more.events.length });
    const after = await readAllRows(prefix, config);
    expect(new Set(after.rows.map((r) => r.event_id)).size).toBe(events.length + more.events.length);
    expect(after.rows).toHaveLength(events.length + more.events.length);
  });

  it("after a failure between the write and the commit, the rerun rewrites the same objects", async () => {
    const topic = await createTopic(1);
    const groupId = uniqueId("s3-sink-it-crash");
    const prefix = uniqueId("sink-it/crash");
    const { config, handler } = sinkFor(prefix);
    const { events } = await produceFixtures(topic, 10, "crash", 1);
    const flush = { maxRecords: 10_000, maxBytes: 4 * 1024 * 1024, maxWaitMs: 60_000 };
    // The objects are written, then the "process" dies before the runner can commit.
    const crashAfterWrite: typeof handler = async (event) => {
      await handler(event);
      throw new Error("simulated crash after the write");
    };
    await expect(
      runLocalSink(crashAfterWrite, {
        brokers,
        topic,
        groupId,
        flush,
        once: true,
        maxAttempts: 1,
        logger: silentLogger,
      }),
    ).rejects.toThrow(/failed 1 times/);
    expect(await committedOffsets(groupId, topic)).toEqual({ 0: -1 });
    const written = await listObjects(s3, prefix);
    expect(written.length).toBeGreaterThan(0);

    const rerun = await runLocalSink(handler, { brokers, topic, groupId, flush, once: true, logger: silentLogger });
    expect(rerun).toMatchObject({ stopReason: "caught-up", records: events.length });
    expect(await committedOffsets(groupId, topic)).toEqual(await endOffsets(topic));
    // Same range, same keys, same bytes: the rerun overwrote, nothing was added.
    expect(await listObjects(s3, prefix)).toEqual(written);
    const { rows } = await readAllRows(prefix, config);
    expect(rows).toHaveLength(events.length);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(events.length);
  });

  it("the CLI flushes and commits what it holds on SIGTERM, then exits 0", async () => {
    const topic = await createTopic();
    const groupId = uniqueId("s3-sink-it-cli");
    const prefix = uniqueId("sink-it/cli");
    const { events } = await produceFixtures(topic, 3, "cli");
    const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
    // A batching window far longer than the test: only the shutdown path can write these records.
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/local/cli.ts", "--topic", topic, "--group", groupId, "--max-wait-ms", "600000"],
      { cwd: packageDir, env: { ...process.env, SINK_PREFIX: prefix }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!output.includes("joined consumer group") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain("joined consumer group");
    // The group has joined; give the first fetch time to buffer the records.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await listObjects(s3, prefix)).toEqual([]);
    child.kill("SIGTERM");
    expect(await exited, output).toBe(0);

    expect(await committedOffsets(groupId, topic)).toEqual(await endOffsets(topic));
    const { rows } = await readAllRows(prefix, sinkFor(prefix).config);
    expect(rows.map((r) => r.event_id).sort()).toEqual(events.map((e) => e.collected.event.messageId).sort());
    expect(output).toMatch(/"stopReason":"aborted"/);
  });
});
