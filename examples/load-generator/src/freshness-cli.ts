#!/usr/bin/env node
import { parseArgs } from "node:util";
import type { LiveMetrics } from "@shop/event-schema";
import { liveMetricsFreshness, type SeenMinute } from "./freshness.js";
import { readAcks } from "./labels.js";
import { readTopic } from "./topic-reader.js";

const usage = `usage: shop-metrics-freshness --acks FILE [--brokers HOST:PORT,...] [--topic metrics.live]
  [--settle-seconds 10] [--timeout-seconds 300]

Reads the live metrics records on the topic and prints, as JSON, how long after the collector's 2xx the
events of a load generator run (shop-load-generator --acks FILE) were counted in their minute's figures.`;

const { values } = parseArgs({
  options: {
    acks: { type: "string" },
    brokers: { type: "string", default: process.env.KAFKA_BROKERS ?? "127.0.0.1:19092" },
    topic: { type: "string", default: process.env.KAFKA_TOPIC_METRICS ?? "metrics.live" },
    "settle-seconds": { type: "string", default: "10" },
    "timeout-seconds": { type: "string", default: "300" },
    help: { type: "boolean", default: false },
  },
});
const settle = Number(values["settle-seconds"]);
const timeout = Number(values["timeout-seconds"]);
if (values.help || !values.acks || !(settle >= 0) || !(timeout > 0)) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const acks = await readAcks(values.acks);
const revisions = await readTopic<SeenMinute>(
  { brokers: values.brokers.split(","), topic: values.topic, settleMs: settle * 1000, timeoutMs: timeout * 1000 },
  (value, producedAt) => {
    const record = JSON.parse(value) as Partial<LiveMetrics>;
    if (typeof record.minute !== "string" || typeof record.events !== "number") return undefined;
    return { minute: Date.parse(record.minute), events: record.events, producedAt };
  },
);
console.log(JSON.stringify({ liveMetrics: liveMetricsFreshness(acks, revisions), revisions: revisions.length }));
