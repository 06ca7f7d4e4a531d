import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaClients } from "../src/publish/options.js";
import { startCollectorProcess } from "./support/collector-process.js";
import { createTopics, readTopic } from "./support/kafka.js";
import { readmeEnv } from "./support/readme-env.js";
import { type SecureBroker, startSecureBroker } from "./support/secure-broker.js";

/**
 * The README's production section followed literally: the built entry point, configured by its
 * environment alone, taken from the README's SCRAM example ("production-env: scram") with only the
 * machine-specific values (brokers, user, password file, CA file) replaced by the test broker's,
 * publishes a posted batch to a TLS + SCRAM-SHA-512 listener, where it is read back.
 */
const run = randomUUID().slice(0, 8);
const WRITE_KEY = `wk_test_${run}`;

let broker: SecureBroker;

beforeAll(async () => {
  broker = await startSecureBroker();
  await createTopics(
    broker.plaintext,
    kafkaClients.flatMap((client) => [
      { topic: `managed-${run}-${client}.raw`, partitions: 3 },
      { topic: `managed-${run}-${client}.invalid`, partitions: 1 },
    ]),
  );
}, 180_000);

afterAll(async () => {
  await broker?.dispose();
});

describe("the production section's SCRAM example, followed literally", () => {
  const example = readmeEnv("scram");

  it("names the settings the test replaces, and no others that need a real cluster", () => {
    expect(Object.keys(example).sort()).toEqual(
      [
        "KAFKA_BROKERS",
        "KAFKA_SASL_MECHANISM",
        "KAFKA_SASL_PASSWORD_FILE",
        "KAFKA_SASL_USERNAME",
        "KAFKA_SECURITY_PROTOCOL",
        "KAFKA_SSL_CA_FILE",
        "COLLECTOR_WRITE_KEYS_FILE",
      ].sort(),
    );
  });

  it.each(kafkaClients)(
    "starts the built collector (%s) from the environment alone, which publishes over TLS + SCRAM",
    async (client) => {
      const passwordFile = `${broker.dir}/kafka-password-${client}`;
      await writeFile(passwordFile, `${broker.scram.password}\n`, { mode: 0o600 });
      const keysFile = `${broker.dir}/collector-write-keys-${client}`;
      await writeFile(keysFile, `# the web shop\n${WRITE_KEY}=web-shop\n`, { mode: 0o600 });
      const rawTopic = `managed-${run}-${client}.raw`;
      const collector = await startCollectorProcess({
        ...example,
        // Only what differs between that cluster and this machine's test broker.
        KAFKA_BROKERS: broker.saslSsl.join(","),
        KAFKA_SASL_USERNAME: broker.scram.username,
        KAFKA_SASL_PASSWORD_FILE: passwordFile,
        KAFKA_SSL_CA_FILE: broker.pki.ca.certFile,
        COLLECTOR_WRITE_KEYS_FILE: keysFile,
        // Not in the example: the test's own topics, quiet logs.
        COLLECTOR_KAFKA_CLIENT: client,
        KAFKA_TOPIC_RAW: rawTopic,
        KAFKA_TOPIC_INVALID: `managed-${run}-${client}.invalid`,
        COLLECTOR_LOG_LEVEL: "warn",
      });
      try {
        const messageIds = Array.from({ length: 12 }, (_, i) => `${run}-${client}-${i}`);
        const response = await fetch(`${collector.url}/v1/batch`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString("base64")}`,
          },
          body: JSON.stringify({
            batch: messageIds.map((messageId, i) => ({
              type: "track",
              event: "Product Viewed",
              messageId,
              anonymousId: `anon-${i % 4}`,
              timestamp: new Date().toISOString(),
              properties: { product_id: `sku-${i}` },
            })),
          }),
        });
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ success: true, accepted: messageIds.length, rejected: [] });

        const records = await readTopic(broker.plaintext, rawTopic);
        const stored = records.map((record) => JSON.parse(record.value) as { event: { messageId: string } });
        expect(stored.map((record) => record.event.messageId).sort()).toEqual([...messageIds].sort());
      } finally {
        await collector.stop();
      }
      // Whatever the collector logged, the SCRAM password is not in it.
      expect(collector.output()).not.toContain(broker.scram.password);
    },
    60_000,
  );
});
