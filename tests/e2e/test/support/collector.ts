import { buildApp, createKafkajsPublisher, loadConfig } from "@shop/collector";
import type { StackEnv } from "./stack-env.js";

export interface TestCollector {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The shop's web source (browsers). */
  readonly writeKey: string;
  /** The shop's backend: a server-side source, whose events' context.ip is the shopper's. */
  readonly serverWriteKey: string;
  /** Stops listening, then flushes and closes the Kafka publisher. */
  close(): Promise<void>;
}

/**
 * A real collector on a free loopback port, publishing to a run's own topics, configured as the demo's: the
 * load generator plays the shop's CDN (shoppers' addresses in X-Forwarded-For from loopback) and replays
 * customers' histories (client times trusted up to 7 days back).
 */
export async function startCollector(
  env: StackEnv,
  topics: { raw: string; invalid: string },
  sourceId: string,
  extra: Record<string, string> = {},
): Promise<TestCollector> {
  const writeKey = "e2e-key";
  const serverWriteKey = "e2e-server-key";
  const config = loadConfig({
    ...env,
    COLLECTOR_PORT: "0",
    KAFKA_TOPIC_RAW: topics.raw,
    KAFKA_TOPIC_INVALID: topics.invalid,
    COLLECTOR_WRITE_KEYS: `${writeKey}=${sourceId},${serverWriteKey}=${sourceId}-backend`,
    COLLECTOR_SERVER_SOURCES: `${sourceId}-backend`,
    COLLECTOR_TRUST_PROXY: "loopback",
    COLLECTOR_MAX_CLOCK_SKEW_MS: String(7 * 24 * 3_600_000),
    ...extra,
  });
  const publisher = createKafkajsPublisher({ brokers: config.kafkaBrokers, clientId: sourceId, timeoutMs: 10_000 });
  const app = buildApp({ config, publisher });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    writeKey,
    serverWriteKey,
    close: async () => {
      await app.close();
      await publisher.close();
    },
  };
}
