// Waits until the fraud stream has read everything on the raw topic (wait-drained.mjs PROGRESS_JSONL TOPIC
// BROKERS [TIMEOUT_SECONDS]): the topic's end offsets, taken once now that the producers have stopped, against
// the endOffsets of the stream's latest logged micro-batch. Exits 1 at the timeout.
import { existsSync, readFileSync } from "node:fs";
import { Kafka, logLevel } from "kafkajs";

const [progressPath, topic, brokers, timeoutSeconds = "900"] = process.argv.slice(2);
const admin = new Kafka({
  clientId: "fraud-bench-drain",
  brokers: brokers.split(","),
  logLevel: logLevel.WARN,
}).admin();
await admin.connect();
const end = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [String(p.partition), Number(p.high)]));
await admin.disconnect();
const total = (offsets) => [...end.keys()].reduce((sum, p) => sum + Math.min(end.get(p), offsets?.[p] ?? 0), 0);
const target = total(Object.fromEntries(end));

const deadline = Date.now() + Number(timeoutSeconds) * 1000;
for (;;) {
  const last = existsSync(progressPath) ? readFileSync(progressPath, "utf8").trim().split("\n").at(-1) : "";
  const read = last ? total(JSON.parse(last).endOffsets?.[topic]) : 0;
  if (read >= target) {
    console.error(`drained: the stream read ${topic} to its end (${target} records)`);
    process.exit(0);
  }
  if (Date.now() > deadline) {
    console.error(`not drained after ${timeoutSeconds}s: ${target - read} records of ${topic} left to read`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
