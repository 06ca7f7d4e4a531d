import { FraudAlert, LiveMetrics } from "@shop/event-schema";
import { Ajv } from "ajv";
import addFormatsPlugin from "ajv-formats";
import type { Producer } from "kafkajs";
import { type Dashboard, startDashboard } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { HistorySource } from "../../src/history/query-history.js";
import { silentLogger } from "../../src/logger.js";
import { brokers, env, testKafka, uniqueId } from "./stack.js";

const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;
const ajv = new Ajv({ strict: true, allowUnionTypes: true });
addFormats(ajv, ["date-time"]);
const validMetrics = ajv.compile(LiveMetrics);
const validAlert = ajv.compile(FraudAlert);

/** Every record a test publishes is first checked against the contract, so a test cannot drift from it. */
export function contractChecked(kind: "metrics" | "alert", value: unknown): string {
  const validate = kind === "metrics" ? validMetrics : validAlert;
  if (!validate(value)) throw new Error(`test record breaks the ${kind} contract: ${ajv.errorsText(validate.errors)}`);
  return JSON.stringify(value);
}

export interface LiveFixture {
  readonly dashboard: Dashboard;
  readonly producer: Producer;
  readonly topics: { readonly metrics: string; readonly alerts: string };
  close(): Promise<void>;
}

/** Own topics and group per test file: the shared broker's real topics are never touched. */
export async function startLiveFixture(label: string, history: HistorySource): Promise<LiveFixture> {
  const kafka = testKafka(label);
  const admin = kafka.admin();
  await admin.connect();
  const topics = { metrics: uniqueId(`${label}-metrics`), alerts: uniqueId(`${label}-alerts`) };
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: topics.metrics, numPartitions: 1 },
      { topic: topics.alerts, numPartitions: 1 },
    ],
  });
  const producer = kafka.producer();
  await producer.connect();
  const config = loadConfig({
    ...env,
    KAFKA_BROKERS: brokers.join(","),
    KAFKA_TOPIC_METRICS: topics.metrics,
    KAFKA_TOPIC_FRAUD: topics.alerts,
    DASHBOARD_GROUP_ID: uniqueId(label),
    DASHBOARD_PORT: "0",
  });
  const dashboard = await startDashboard(config, { logger: silentLogger, history });
  return {
    dashboard,
    producer,
    topics,
    close: async () => {
      await dashboard.stop();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topics.metrics, topics.alerts] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** Reads an SSE stream and keeps every `data:` payload with its event name. */
export async function readSse(
  url: string,
  signal: AbortSignal,
): Promise<{ events: { event: string; data: unknown }[] }> {
  const res = await fetch(url, { signal });
  if (!res.ok || !res.body) throw new Error(`SSE ${url}: ${res.status}`);
  const received: { event: string; data: unknown }[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) received.push({ event, data: JSON.parse(data) });
          end = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  return { events: received };
}
