import type { DashboardConfig, Env } from "./config.js";
import { createParsers } from "./core/parse.js";
import { emptyState } from "./core/state.js";
import { type HistorySource, queryHistory } from "./history/query-history.js";
import { startServer } from "./http/server.js";
import { Hub } from "./hub.js";
import { startReader } from "./kafka/consumer.js";
import type { Logger } from "./logger.js";

export interface Dashboard {
  readonly url: string;
  readonly hub: Hub;
  /** Records that did not match the contract, by topic. */
  readonly malformed: Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

export interface DashboardDeps {
  readonly logger: Logger;
  /** Where `/history` gets its answer. @default queryHistory(env) */
  readonly history?: HistorySource;
  /** Settings of the query layer (S3, SHOP_QUERY_*). @default process.env */
  readonly env?: Env;
}

/** Wires the pieces: Kafka → parse → hub ← server. Stops cleanly if any start fails. */
export async function startDashboard(config: DashboardConfig, deps: DashboardDeps): Promise<Dashboard> {
  const { logger } = deps;
  const hub = new Hub(emptyState({ windowMinutes: config.windowMinutes, maxAlerts: config.maxAlerts }));
  const parsers = createParsers();
  const malformed: Record<string, number> = {};
  const { metricsTopic, alertsTopic } = config.kafka;

  const server = await startServer({
    hub,
    history: deps.history ?? queryHistory(deps.env ?? process.env),
    logger,
    host: config.host,
    port: config.port,
  });
  let reader: Awaited<ReturnType<typeof startReader>>;
  try {
    reader = await startReader({
      brokers: config.kafka.brokers,
      topics: [metricsTopic, alertsTopic],
      groupId: config.kafka.groupId,
      logger,
      onRecord: ({ topic, value }) => {
        const parsed = topic === metricsTopic ? parsers.metrics(value) : parsers.alert(value);
        if (!parsed.ok) {
          malformed[topic] = (malformed[topic] ?? 0) + 1;
          logger.warn("record skipped", { topic, ...parsed.reason });
          return;
        }
        if (topic === metricsTopic) hub.minute(parsed.value as Parameters<Hub["minute"]>[0]);
        else hub.alert(parsed.value as Parameters<Hub["alert"]>[0]);
      },
    });
  } catch (error) {
    hub.close();
    await server.close();
    throw error;
  }
  return {
    url: server.url,
    hub,
    malformed,
    stop: async () => {
      await reader.stop();
      hub.close();
      await server.close();
    },
  };
}
