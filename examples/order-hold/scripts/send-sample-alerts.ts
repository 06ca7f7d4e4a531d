/**
 * Puts a few hand-made fraud alerts on the alerts topic, for trying the consumer without running the
 * scoring stream: an order alert, the same alert again (as a job replay would send it), a
 * payment-attempt alert that knows only its checkout, and a record that is not JSON.
 * Usage: scripts/run.sh pnpm --filter @shop/example-order-hold sample-alerts
 */
import { createHash } from "node:crypto";
import type { FraudAlert } from "@shop/event-schema";
import { Kafka, logLevel, Partitioners } from "kafkajs";

const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:19092").split(",").filter(Boolean);
const topic = process.env.KAFKA_TOPIC_FRAUD ?? "alerts.fraud";
const ruleVersion = "sample";
const run = Date.now().toString(36);

function alert(eventId: string, eventName: string, ids: Pick<FraudAlert, "orderId" | "checkoutId">): FraudAlert {
  const now = new Date().toISOString();
  return {
    v: 1,
    // As the job derives it: the same event scored by the same rules always gives the same id.
    alertId: createHash("sha256").update(`${ruleVersion}|${eventId}`).digest("hex").slice(0, 32),
    ruleVersion,
    score: 91.2,
    threshold: 70,
    reasons: [
      {
        code: "card_testing.distinct_cards",
        text: "6 payment attempts with 5 cards from this device in 10 minutes (limit 4)",
        weight: 0.8,
        evidence: { attempts: 6, cards: 5 },
      },
    ],
    eventId,
    eventName,
    ...ids,
    anonymousId: `anon-${run}`,
    eventTs: now,
    alertTs: now,
  };
}

const order = alert(`evt-${run}-order`, "Order Completed", { orderId: `order-${run}`, checkoutId: `checkout-${run}` });
const payment = alert(`evt-${run}-payment`, "Payment Attempted", { orderId: null, checkoutId: `checkout-${run}-2` });
const replay = { ...order, alertTs: new Date(Date.now() + 1000).toISOString() };

const producer = new Kafka({ clientId: "order-hold-sample", brokers, logLevel: logLevel.WARN }).producer({
  // Java's murmur2, as the scoring job's producer: an alert id lands on the same partition either way.
  createPartitioner: Partitioners.DefaultPartitioner,
});
await producer.connect();
await producer.send({
  topic,
  acks: -1,
  messages: [
    ...[order, replay, payment].map((a) => ({ key: a.alertId, value: JSON.stringify(a) })),
    { key: "not-an-alert", value: "not json" },
  ],
});
await producer.disconnect();
console.log(`sent 4 records to ${topic}: alert ${order.alertId} twice, alert ${payment.alertId}, one malformed`);
