import { randomUUID } from "node:crypto";
import { Analytics } from "@segment/analytics-node";
import { toStorageRow } from "@shop/event-schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackEnv } from "./stack-env.js";
import { readTopic } from "./support/kafka.js";
import { type KafkaCollector, startKafkaCollector } from "./support/kafka-collector.js";

/**
 * Segment's own Node library, unchanged, sends to a real collector that publishes to the real local
 * Kafka with the default publisher; the events are read back from the topics.
 */
const env = stackEnv();
const brokers = env.KAFKA_BROKERS.split(",");
const run = randomUUID().slice(0, 8);
const writeKey = `wk_segment_${run}`;

let collector: KafkaCollector;
let baseUrl: string;
let rawTopic: string;
let invalidTopic: string;

beforeAll(async () => {
  collector = await startKafkaCollector(env, `test-segment-${run}`, {
    COLLECTOR_WRITE_KEYS: `${writeKey}=segment-node`,
    // A server library: its events' context.ip is the shopper's.
    COLLECTOR_SERVER_SOURCES: "segment-node",
  });
  ({ url: baseUrl, rawTopic, invalidTopic } = collector);
});

afterAll(async () => {
  await collector?.close();
});

describe("@segment/analytics-node → collector → Kafka", () => {
  it("delivers track, identify, page and group calls, enriched, and dead-letters the one that breaks the contract", async () => {
    const analytics = new Analytics({ writeKey, host: baseUrl, flushAt: 5, flushInterval: 200, maxRetries: 2 });
    const sent: Array<{ messageId: string; type: string }> = [];
    const statuses: number[] = [];
    analytics.on("http_request", ({ body }) => {
      sent.push(...(JSON.parse(body) as { batch: Array<{ messageId: string; type: string }> }).batch);
    });
    analytics.on("http_response", ({ status }) => statuses.push(status));

    analytics.track({
      userId: `u-${run}`,
      event: "Order Completed",
      properties: { order_id: "o-1", revenue: 42.5, currency: "EUR", products: [{ product_id: "p-1", price: 42.5 }] },
    });
    analytics.identify({ userId: `u-${run}`, traits: { plan: "pro", email: "shopper@example.com" } });
    analytics.page({ anonymousId: `a-${run}`, name: "Home", properties: { path: "/" } });
    analytics.group({ userId: `u-${run}`, groupId: "g-1", traits: { name: "Shop Inc" } });
    // Breaks the E-commerce spec: revenue must be a number.
    analytics.track({ userId: `u-${run}`, event: "Order Completed", properties: { revenue: "lots" } });
    await analytics.closeAndFlush({ timeout: 15_000 });

    expect(statuses).toEqual([200]);
    expect(sent.map((e) => e.type)).toEqual(["track", "identify", "page", "group", "track"]);
    const invalid = sent[4];
    const valid = sent.slice(0, 4);

    const raw = (await readTopic(brokers, rawTopic)).map((r) => ({ key: r.key, record: JSON.parse(r.value) }));
    expect(raw.map((r) => r.record.event.messageId).sort()).toEqual(valid.map((e) => e.messageId).sort());
    for (const { key, record } of raw) {
      expect(key).toBe(record.event.anonymousId ?? record.event.userId);
      expect(record.enrichment).toMatchObject({ sourceId: "segment-node", ipAnonymized: "127.0.0.0" });
      expect(record.event.context.library.name).toBe("@segment/analytics-node");
      expect(record.event.writeKey).toBeUndefined(); // the key never reaches Kafka
      expect(Math.abs(Date.parse(record.enrichment.eventTs) - Date.now())).toBeLessThan(60_000);
    }
    const order = raw.find((r) => r.record.event.type === "track")?.record.event;
    expect(order.properties).toMatchObject({ order_id: "o-1", revenue: 42.5 });

    const deadLetters = (await readTopic(brokers, invalidTopic)).map((r) => JSON.parse(r.value));
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({
      stage: "collector",
      sourceId: "segment-node",
      reason: { code: "schema_violation", path: "/properties/revenue" },
      original: { messageId: invalid?.messageId, properties: { revenue: "lots" } },
    });
  });

  it("carries the payment, account and risk signals a shop's backend sends, as the contract stores them", async () => {
    const analytics = new Analytics({ writeKey, host: baseUrl, flushAt: 4, flushInterval: 200, maxRetries: 2 });
    const user = `risk-${run}`;
    // A backend call: the shopper's IP rides in context.ip (registro.br's, in Brazil).
    const shopper = { ip: "200.160.0.8" };
    analytics.identify({ userId: user, traits: { created_at: new Date("2026-11-28T10:59:00.000Z"), plan: "silver" } });
    analytics.track({
      userId: user,
      event: "Signed In",
      properties: { method: "password", status: "success" },
      context: shopper,
    });
    analytics.track({
      userId: user,
      event: "Payment Attempted",
      context: shopper,
      properties: {
        order_id: "o-9",
        amount: 199.8,
        currency: "brl",
        payment_method: "card",
        card_fingerprint: "fp_1a2b3c4d",
        card_bin: "411111",
        card_country: "us",
        status: "declined",
        decline_code: "insufficient_funds",
      },
    });
    analytics.track({ userId: user, event: "Shipping Address Changed", properties: { shipping_country: "pt" } });
    await analytics.closeAndFlush({ timeout: 15_000 });

    const rows = (await readTopic(brokers, rawTopic))
      .map((r) => JSON.parse(r.value))
      .filter((record) => record.event.userId === user)
      .map((record) => toStorageRow(record));
    const byName = (name: string | null) => rows.find((r) => r.event_name === name);
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.event_type === "identify")).toMatchObject({
      account_created_at: Date.parse("2026-11-28T10:59:00.000Z"),
    });
    expect(byName("Signed In")).toMatchObject({ auth_method: "password", auth_status: "success", geo_country: "BR" });
    expect(byName("Payment Attempted")).toMatchObject({
      payment_amount: 199.8,
      currency: "BRL",
      payment_method: "card",
      payment_status: "declined",
      decline_code: "insufficient_funds",
      card_fingerprint: "fp_1a2b3c4d",
      card_bin: "411111",
      card_country: "US",
      revenue: null,
      geo_country: "BR",
      ip_anonymized: "200.160.0.0",
    });
    expect(byName("Shipping Address Changed")).toMatchObject({ shipping_country: "PT" });
  });

  it("is refused with a 401 the client reports, and nothing is published, for an unknown write key", async () => {
    const before = (await readTopic(brokers, rawTopic)).length;
    const analytics = new Analytics({ writeKey: "wk_unknown", host: baseUrl, flushAt: 1, maxRetries: 0 });
    const statuses: number[] = [];
    analytics.on("http_response", ({ status }) => statuses.push(status));
    const delivered = await new Promise<unknown>((resolve) =>
      analytics.track({ userId: "u", event: "Nothing" }, (error) => resolve(error)),
    );
    await analytics.closeAndFlush({ timeout: 5000 });
    expect(statuses).toEqual([401]);
    expect(delivered).toBeTruthy();
    expect(await readTopic(brokers, rawTopic)).toHaveLength(before);
  });
});
