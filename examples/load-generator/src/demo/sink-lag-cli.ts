#!/usr/bin/env node
// Waits until a consumer group (the s3-sink's local runner) has committed every partition of a topic up to the end
// offsets seen at its start: then everything the collector acked before is in the lake.
import { parseArgs } from "node:util";
import { Kafka, logLevel } from "kafkajs";

const usage = `usage: shop-demo-sink-lag [--brokers HOST:PORT,...] [--topic events.raw] [--group shop-s3-sink-local]
  [--timeout-seconds 120]

Exits 0 once the group's committed offsets reach the topic's end offsets as of the start (lag 0), prints the lag
it waited for; exits 1 on timeout.`;

const { values } = parseArgs({
  options: {
    brokers: { type: "string", default: process.env.KAFKA_BROKERS ?? "127.0.0.1:19092" },
    topic: { type: "string", default: process.env.KAFKA_TOPIC_RAW ?? "events.raw" },
    group: { type: "string", default: process.env.SINK_GROUP_ID ?? "shop-s3-sink-local" },
    "timeout-seconds": { type: "string", default: "120" },
    help: { type: "boolean", default: false },
  },
});
const timeout = Number(values["timeout-seconds"]);
if (values.help || !(timeout > 0)) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const admin = new Kafka({
  clientId: "shop-demo-sink-lag",
  brokers: values.brokers.split(","),
  logLevel: logLevel.WARN,
}).admin();
await admin.connect();
const ends = new Map((await admin.fetchTopicOffsets(values.topic)).map((p) => [p.partition, Number(p.high)]));
const lag = async () => {
  const [committed] = await admin.fetchOffsets({ groupId: values.group, topics: [values.topic] });
  const at = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  let total = 0;
  // A partition never committed is at -1: all of it is lag.
  for (const [partition, end] of ends) total += Math.max(0, end - Math.max(0, at.get(partition) ?? 0));
  return total;
};
const deadline = Date.now() + timeout * 1000;
const first = await lag();
let left = first;
while (left > 0 && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  left = await lag();
}
await admin.disconnect();
if (left > 0) {
  console.error(
    `shop-demo-sink-lag: group ${values.group} still ${left} record(s) behind ${values.topic} after ${timeout}s`,
  );
  process.exit(1);
}
console.error(`[demo] sink caught up: ${first} record(s) were waiting, lag 0 on ${values.topic}`);
