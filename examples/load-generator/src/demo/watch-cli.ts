#!/usr/bin/env node
// The demo's progress while its shoppers are sent: the collector's acked events (its /metrics), orders from the
// live metrics topic and alerts from the fraud topic, counted from this process's start. Runs until SIGTERM or
// SIGINT, then prints the last line and exits 0.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { acceptedEvents, LiveTally, type Progress, progressBar, progressLine } from "./progress.js";

const usage = `usage: shop-demo-watch --seconds N [--collector URL] [--brokers HOST:PORT,...] [--metrics-topic T]
  [--alerts-topic T] [--plain] [--every-seconds 10]

Prints the demo's progress on stderr: on a terminal one line redrawn every second, else (or with --plain) a
line every --every-seconds. Stops on SIGTERM or SIGINT.`;

const { values } = parseArgs({
  options: {
    seconds: { type: "string" },
    collector: {
      type: "string",
      default: `http://${process.env.COLLECTOR_HOST ?? "127.0.0.1"}:${process.env.COLLECTOR_PORT ?? "18080"}`,
    },
    brokers: { type: "string", default: process.env.KAFKA_BROKERS ?? "127.0.0.1:19092" },
    "metrics-topic": { type: "string", default: process.env.KAFKA_TOPIC_METRICS ?? "metrics.live" },
    "alerts-topic": { type: "string", default: process.env.KAFKA_TOPIC_FRAUD ?? "alerts.fraud" },
    plain: { type: "boolean", default: false },
    "every-seconds": { type: "string", default: "10" },
    help: { type: "boolean", default: false },
  },
});
const totalSeconds = Number(values.seconds);
const every = Number(values["every-seconds"]);
if (values.help || !(Number.isInteger(totalSeconds) && totalSeconds > 0) || !(every > 0)) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const started = Date.now();
const tally = new LiveTally();
const terminal = !values.plain && process.stderr.isTTY === true;

async function collectorTotal(): Promise<number | undefined> {
  try {
    const response = await fetch(`${values.collector}/metrics`, { signal: AbortSignal.timeout(2000) });
    return response.ok ? acceptedEvents(await response.text()) : undefined;
  } catch {
    return undefined; // busy or restarting: the line keeps the last figure
  }
}

// Records of both topics published since the start (by their Kafka timestamp), in a group of this process's own
// that commits nothing; reading from the beginning and filtering by time misses nothing published while the
// consumer was still joining.
const kafka = new Kafka({
  clientId: "shop-demo-watch",
  brokers: values.brokers.split(","),
  logLevel: logLevel.NOTHING,
});
const consumer = kafka.consumer({ groupId: `shop-demo-watch-${randomUUID()}`, maxWaitTimeInMs: 500 });
const metricsTopic = values["metrics-topic"];
try {
  await consumer.connect();
  await consumer.subscribe({ topics: [metricsTopic, values["alerts-topic"]], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, message }) => {
      if (Number(message.timestamp) < started) return;
      try {
        const record = JSON.parse(message.value?.toString("utf8") ?? "") as Record<string, unknown>;
        if (topic === metricsTopic) {
          const { minute, revision, orders } = record;
          if (typeof minute === "string" && typeof revision === "number" && typeof orders === "number") {
            tally.addMinute(minute, revision, orders);
          }
        } else if (typeof record.alertId === "string") {
          tally.addAlert(record.alertId);
        }
      } catch {
        // Not JSON: not a figure (the dashboard and the scorer report such records).
      }
    },
  });
} catch (error) {
  console.error(`shop-demo-watch: Kafka at ${values.brokers}: ${(error as Error).message}; orders and alerts stay 0`);
}

const base = (await collectorTotal()) ?? 0;
let events = 0;
let lastPlain = 0;
const current = (): Progress => ({
  elapsedSeconds: (Date.now() - started) / 1000,
  totalSeconds,
  events,
  orders: tally.orders,
  alerts: tally.alerts,
});

const tick = async () => {
  const total = await collectorTotal();
  if (total !== undefined) events = Math.max(0, total - base);
  const p = current();
  if (terminal) process.stderr.write(`\r\x1b[2K${progressBar(p)}`);
  else if (p.elapsedSeconds - lastPlain >= every) {
    lastPlain = p.elapsedSeconds;
    process.stderr.write(`[demo] ${progressLine(p)}\n`);
  }
};
const timer = setInterval(() => void tick(), 1000);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  const total = await collectorTotal();
  if (total !== undefined) events = Math.max(0, total - base);
  process.stderr.write(terminal ? `\r\x1b[2K${progressBar(current())}\n` : `[demo] ${progressLine(current())}\n`);
  await consumer.disconnect().catch(() => {});
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
