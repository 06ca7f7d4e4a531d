import { describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { createKafkajsPublisher } from "../src/publish/kafkajs-publisher.js";
import { devConfig } from "./setup-app.js";
import { stackEnv } from "./stack-env.js";
import { cardBatch, cardPaths, cards, expectNoCardIn, maskOf } from "./support/cards.js";
import { readTopic, useTestTopics } from "./support/kafka.js";

const env = stackEnv();
const brokers = env.KAFKA_BROKERS.split(",");
const { run, rawTopic, invalidTopic } = useTestTopics(brokers, "test-pan", 1);

describe("card numbers → real Kafka", () => {
  it("dead-letters card events masked on the invalid topic and publishes the clean and look-alike ones", async () => {
    const config = devConfig({ ...env, KAFKA_TOPIC_RAW: rawTopic, KAFKA_TOPIC_INVALID: invalidTopic });
    const publisher = createKafkajsPublisher({
      brokers: config.kafkaBrokers,
      clientId: "collector-test",
      timeoutMs: 10_000,
    });
    const app = buildApp({ config, publisher });
    try {
      const { clean, lookAlikes, ...withCards } = cardBatch(run);
      const batch = [...Object.values(withCards), clean, lookAlikes];
      const response = await app.inject({
        method: "POST",
        url: "/v1/batch",
        // A public client IP, so the accepted records also carry their country.
        remoteAddress: "200.160.0.8",
        payload: { batch },
      });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.accepted).toBe(2);
      expect(body.rejected.map((r: { code: string; path: string }) => [r.code, r.path])).toEqual(
        Object.values(cardPaths).map((path) => ["pan_detected", path]),
      );
      expectNoCardIn(response.body);

      // A 200 means the broker has every record: read both topics to their end now.
      const deadLetters = await readTopic(brokers, invalidTopic);
      expect(deadLetters).toHaveLength(Object.keys(withCards).length);
      for (const record of deadLetters) expectNoCardIn(record.value);
      const letters = deadLetters.map((r) => JSON.parse(r.value));
      const byMessageId = new Map(letters.map((l) => [l.original.messageId, l]));
      for (const [name, event] of Object.entries(withCards)) {
        expect(byMessageId.get(event.messageId)).toMatchObject({
          stage: "collector",
          reason: { code: "pan_detected", path: cardPaths[name as keyof typeof cardPaths] },
        });
      }
      expect(byMessageId.get(withCards.spaces.messageId)?.original.properties.note).toBe(
        `please charge ${maskOf(cards.visaSpaces)} again`,
      );
      expect(byMessageId.get(withCards.dashes.messageId)?.original.properties.card).toBe(
        maskOf(cards.mastercardDashes),
      );
      expect(byMessageId.get(withCards.number.messageId)?.original.properties.payment.pan).toBe(
        maskOf(cards.visaNumber),
      );
      expect(byMessageId.get(withCards.nestedInArray.messageId)?.original.properties.attempts[0].memo[1]).toBe(
        maskOf(cards.amex),
      );
      expect(byMessageId.get(withCards.contextTraits.messageId)?.original.context.traits.saved_card).toBe(
        maskOf(cards.discover),
      );
      expect(byMessageId.get(withCards.identifyTraits.messageId)?.original.traits.card_on_file).toBe(maskOf(cards.jcb));

      const raw = (await readTopic(brokers, rawTopic)).map((r) => JSON.parse(r.value));
      expect(raw.map((r) => r.event)).toEqual([clean, lookAlikes]);
      expect(raw.map((r) => r.enrichment.geoCountry)).toEqual(["BR", "BR"]);
    } finally {
      await app.close();
      await publisher.close();
    }
  });
});
