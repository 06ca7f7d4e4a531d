import { buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createPublisher, publisherOptionsFrom } from "../../src/publish/create-publisher.js";
import { createTopics, deleteTopics } from "./kafka.js";

export interface KafkaCollector {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly rawTopic: string;
  readonly invalidTopic: string;
  /** Stops listening, closes the publisher and deletes the run's topics. */
  close(): Promise<void>;
}

/**
 * A collector in this process on a free loopback port, publishing with the default publisher to topics
 * of its own (`<prefix>.raw`, `<prefix>.invalid`) on the real broker; `env` on top of the stack's.
 */
export async function startKafkaCollector(
  stack: Record<string, string>,
  prefix: string,
  env: Record<string, string>,
): Promise<KafkaCollector> {
  const brokers = (stack.KAFKA_BROKERS ?? "").split(",");
  const [rawTopic, invalidTopic] = [`${prefix}.raw`, `${prefix}.invalid`];
  await createTopics(brokers, [
    { topic: rawTopic, partitions: 3 },
    { topic: invalidTopic, partitions: 1 },
  ]);
  const config = loadConfig({ ...stack, KAFKA_TOPIC_RAW: rawTopic, KAFKA_TOPIC_INVALID: invalidTopic, ...env });
  const publisher = createPublisher(config.kafkaClient, publisherOptionsFrom(config));
  const app = buildApp({ config, publisher });
  await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`,
    rawTopic,
    invalidTopic,
    async close() {
      await app.close();
      await publisher.close();
      await deleteTopics(brokers, [rawTopic, invalidTopic]);
    },
  };
}
