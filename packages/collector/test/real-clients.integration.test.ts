import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { Analytics as SegmentAnalytics } from "@segment/analytics-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackEnv } from "./stack-env.js";
import { readTopic } from "./support/kafka.js";
import { type KafkaCollector, startKafkaCollector } from "./support/kafka-collector.js";

/**
 * Three widely used Segment-protocol client libraries that are not ours, unchanged, send every event
 * type to a real collector publishing to the real local Kafka; every event is read back from the topic.
 * They send in three different ways: @segment/analytics-node posts JSON with fetch, Segment's legacy
 * analytics-node posts JSON with axios, and RudderStack's Node library posts gzip-compressed JSON
 * labelled application/x-www-form-urlencoded.
 */
const require = createRequire(import.meta.url);
const env = stackEnv();
const brokers = env.KAFKA_BROKERS.split(",");
const run = randomUUID().slice(0, 8);

/** The calls every Segment-protocol library has, with the same arguments. */
interface SegmentStyleClient {
  track(message: object, callback?: (error?: unknown) => void): unknown;
  identify(message: object, callback?: (error?: unknown) => void): unknown;
  page(message: object, callback?: (error?: unknown) => void): unknown;
  screen(message: object, callback?: (error?: unknown) => void): unknown;
  group(message: object, callback?: (error?: unknown) => void): unknown;
  alias(message: object, callback?: (error?: unknown) => void): unknown;
}

interface Library {
  name: string;
  /** context.library.name as the library stamps it. */
  libraryName: string;
  create(writeKey: string, url: string): { client: SegmentStyleClient; close(): Promise<void> };
}

const libraries: Library[] = [
  {
    name: "@segment/analytics-node",
    libraryName: "@segment/analytics-node",
    create(writeKey, url) {
      const client = new SegmentAnalytics({ writeKey, host: url, flushAt: 20, flushInterval: 200, maxRetries: 1 });
      return { client, close: () => client.closeAndFlush({ timeout: 15_000 }) };
    },
  },
  {
    name: "analytics-node (Segment's legacy library)",
    libraryName: "analytics-node",
    create(writeKey, url) {
      const Legacy = require("analytics-node") as new (
        key: string,
        options: object,
      ) => SegmentStyleClient & { flush(): Promise<unknown> };
      const client = new Legacy(writeKey, { host: url, flushAt: 20, flushInterval: 200, retryCount: 1 });
      return { client, close: async () => void (await client.flush()) };
    },
  },
  {
    name: "@rudderstack/rudder-sdk-node",
    libraryName: "analytics-node",
    create(writeKey, url) {
      const Rudder = require("@rudderstack/rudder-sdk-node") as new (
        key: string,
        options: object,
      ) => SegmentStyleClient & { flush(): Promise<unknown> };
      const client = new Rudder(writeKey, { dataPlaneUrl: url, flushAt: 20, flushInterval: 200, retryCount: 1 });
      return { client, close: async () => void (await client.flush()) };
    },
  },
];

const writeKeyOf = (index: number) => `wk_client_${index}_${run}`;
const sourceOf = (index: number) => `client-${index}`;

let collector: KafkaCollector;
let baseUrl: string;

beforeAll(async () => {
  collector = await startKafkaCollector(env, `test-clients-${run}`, {
    COLLECTOR_WRITE_KEYS: libraries.map((_, index) => `${writeKeyOf(index)}=${sourceOf(index)}`).join(","),
  });
  baseUrl = collector.url;
});

afterAll(async () => {
  await collector?.close();
});

describe.each(libraries.map((library, index) => ({ ...library, index })))("$name → collector → Kafka", (library) => {
  it("delivers track, identify, page, screen, group and alias, each once, enriched", async () => {
    const { client, close } = library.create(writeKeyOf(library.index), baseUrl);
    const user = `u-${library.index}-${run}`;
    const anonymousId = `a-${library.index}-${run}`;
    const errors: unknown[] = [];
    const done = (error?: unknown) => {
      if (error) errors.push(error);
    };
    client.track(
      { userId: user, event: "Order Completed", properties: { order_id: "o-1", revenue: 42.5, currency: "EUR" } },
      done,
    );
    client.identify({ userId: user, traits: { plan: "pro" } }, done);
    client.page({ anonymousId, name: "Home", properties: { path: "/" } }, done);
    client.screen({ userId: user, name: "Basket" }, done);
    client.group({ userId: user, groupId: "g-1", traits: { name: "Shop Inc" } }, done);
    client.alias({ userId: user, previousId: anonymousId }, done);
    await close();
    expect(errors).toEqual([]);

    const records = (await readTopic(brokers, collector.rawTopic))
      .map((r) => ({ key: r.key, record: JSON.parse(r.value) }))
      .filter(({ record }) => record.enrichment.sourceId === sourceOf(library.index));
    expect(records.map(({ record }) => record.event.type).sort()).toEqual(
      ["alias", "group", "identify", "page", "screen", "track"].sort(),
    );
    expect(new Set(records.map(({ record }) => record.event.messageId)).size).toBe(6);
    for (const { key, record } of records) {
      expect(key).toBe(record.event.anonymousId ?? record.event.userId);
      expect(record.event.context.library.name).toBe(library.libraryName);
      expect(record.enrichment.ipAnonymized).toBe("127.0.0.0");
      expect(Math.abs(Date.parse(record.enrichment.eventTs) - Date.now())).toBeLessThan(60_000);
    }
    const byType = (type: string) => records.find(({ record }) => record.event.type === type)?.record.event;
    expect(byType("track")).toMatchObject({ event: "Order Completed", properties: { revenue: 42.5 } });
    expect(byType("screen")).toMatchObject({ name: "Basket" });
    expect(byType("group")).toMatchObject({ groupId: "g-1" });
    expect(byType("alias")).toMatchObject({ previousId: anonymousId, userId: user });
    expect(await readTopic(brokers, collector.invalidTopic)).toHaveLength(0);
  });
});
