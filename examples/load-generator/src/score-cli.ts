#!/usr/bin/env node
import { parseArgs } from "node:util";
import { readAlerts } from "./alerts-reader.js";
import { readAcks, readLabels } from "./labels.js";
import { caseIndex, type SeenAlert, scoreRun } from "./score.js";
import type { Acks } from "./transport.js";

const usage = `usage: shop-fraud-score --labels FILE [--acks FILE] [--brokers HOST:PORT,...] [--topic alerts.fraud]
  [--settle-seconds 20] [--timeout-seconds 300] [--min-precision P] [--min-recall R] [--show N]

Reads the alert records on the topic, matches them to the labelled cases of a load generator run
(shop-load-generator --fraud-cases N --labels FILE --acks FILE) and prints precision, recall and alert
latency as JSON. --show N also prints N of the run's alerts, with their reasons, to stderr.
Exits 1 when a --min-* bound is not met.`;

const { values } = parseArgs({
  options: {
    labels: { type: "string" },
    acks: { type: "string" },
    brokers: { type: "string", default: process.env.KAFKA_BROKERS ?? "127.0.0.1:19092" },
    topic: { type: "string", default: process.env.KAFKA_TOPIC_FRAUD ?? "alerts.fraud" },
    "settle-seconds": { type: "string", default: "20" },
    "timeout-seconds": { type: "string", default: "300" },
    "min-precision": { type: "string" },
    "min-recall": { type: "string" },
    show: { type: "string", default: "0" },
    help: { type: "boolean", default: false },
  },
});
const settle = Number(values["settle-seconds"]);
const timeout = Number(values["timeout-seconds"]);
const minPrecision = values["min-precision"] === undefined ? undefined : Number(values["min-precision"]);
const minRecall = values["min-recall"] === undefined ? undefined : Number(values["min-recall"]);
if (
  values.help ||
  !values.labels ||
  !(settle >= 0) ||
  !(timeout > 0) ||
  Number.isNaN(minPrecision) ||
  Number.isNaN(minRecall)
) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const cases = await readLabels(values.labels);
const acks: Acks = values.acks ? await readAcks(values.acks) : new Map();
const alerts = await readAlerts({
  brokers: values.brokers.split(","),
  topic: values.topic,
  settleMs: settle * 1000,
  timeoutMs: timeout * 1000,
});
const score = scoreRun(cases, alerts, acks);
const find = caseIndex(cases);
const shown = new Set<string>();
const describe = (alert: SeenAlert) => {
  const about = alert.orderId ? `order ${alert.orderId}` : alert.checkoutId ? `checkout ${alert.checkoutId}` : "";
  const reasons = alert.reasons.map((r) => `    - ${r.text ?? r.code}`).join("\n");
  return `alert ${alert.alertId.slice(0, 8)} score ${alert.score} on ${alert.eventName ?? "event"} ${about} (case: ${find(alert)?.scenario})\n${reasons}`;
};
for (const alert of alerts) {
  if (shown.size >= Number(values.show)) break;
  const c = find(alert);
  // One alert per case: the first.
  if (c && !shown.has(c.caseId)) {
    shown.add(c.caseId);
    console.error(describe(alert));
  }
}
console.log(JSON.stringify(score, null, 2));
const failed =
  (minPrecision !== undefined && score.precision < minPrecision) ||
  (minRecall !== undefined && score.recall < minRecall);
process.exit(failed ? 1 : 0);
