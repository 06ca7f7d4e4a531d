#!/usr/bin/env node
// Waits until a reader of a topic has caught up with the end offsets seen at its start (lag 0): a consumer group (the
// s3-sink's local runner: then everything the collector acked before is in the lake) or a Spark query, by the offsets
// of its newest committed batch (the fraud stream: then every alert those events raise is out).
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { checkpointOffsets, lagOf, type Offsets } from "./lag.js";

const usage = `usage: shop-demo-lag (--group ID | --checkpoint DIR) [--brokers HOST:PORT,...] [--topic events.raw]
  [--timeout-seconds 120]

Exits 0 once the consumer group's committed offsets, or the Spark checkpoint's newest committed batch, reach the
topic's end offsets as of the start (lag 0); exits 1 on timeout.`;

const { values } = parseArgs({
  options: {
    brokers: { type: "string", default: process.env.KAFKA_BROKERS ?? "127.0.0.1:19092" },
    topic: { type: "string", default: process.env.KAFKA_TOPIC_RAW ?? "events.raw" },
    group: { type: "string" },
    checkpoint: { type: "string" },
    "timeout-seconds": { type: "string", default: "120" },
    help: { type: "boolean", default: false },
  },
});
const timeout = Number(values["timeout-seconds"]);
if (values.help || !(timeout > 0) || (values.group === undefined) === (values.checkpoint === undefined)) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}
const topic = values.topic;
const reader = values.group !== undefined ? `group ${values.group}` : `the query at ${values.checkpoint}`;

const admin = new Kafka({
  clientId: "shop-demo-lag",
  brokers: values.brokers.split(","),
  logLevel: logLevel.WARN,
}).admin();

async function groupOffsets(groupId: string): Promise<Offsets> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

const batchIds = async (dir: string) =>
  (await readdir(dir).catch(() => [] as string[])).filter((name) => /^\d+$/.test(name)).map(Number);

async function checkpointRead(dir: string): Promise<Offsets> {
  const newest = Math.max(-1, ...(await batchIds(join(dir, "commits"))));
  if (newest < 0) return new Map();
  const text = await readFile(join(dir, "offsets", String(newest)), "utf8").catch(() => "");
  return checkpointOffsets(text, topic) ?? new Map();
}

await admin.connect();
const ends: Offsets = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
const lag = async () =>
  lagOf(
    ends,
    values.group !== undefined ? await groupOffsets(values.group) : await checkpointRead(values.checkpoint as string),
  );
const deadline = Date.now() + timeout * 1000;
const first = await lag();
let left = first;
while (left > 0 && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  left = await lag();
}
await admin.disconnect();
if (left > 0) {
  console.error(`shop-demo-lag: ${reader} still ${left} record(s) behind ${topic} after ${timeout}s`);
  process.exit(1);
}
console.error(`shop-demo-lag: ${reader} caught up with ${topic} (${first} record(s) were waiting)`);
