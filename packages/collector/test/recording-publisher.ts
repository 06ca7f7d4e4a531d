import type { EventPublisher, PublishRecord } from "../src/publish/publisher.js";
import { PublishError } from "../src/publish/publisher.js";

/** Our own publisher interface, recorded in memory: for HTTP-level unit tests. Kafka itself is tested in *.integration.test.ts. */
export function recordingPublisher() {
  const published: PublishRecord[] = [];
  let failing = false;
  const publisher: EventPublisher = {
    async publish(records) {
      if (failing) throw new PublishError("broker down");
      published.push(...records);
    },
    async isReady() {
      return !failing;
    },
    async close() {},
  };
  return {
    publisher,
    published,
    failWith: (fail: boolean) => {
      failing = fail;
    },
  };
}
