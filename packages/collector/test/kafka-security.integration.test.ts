import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import rdkafka from "@confluentinc/kafka-javascript";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createPublisher, publisherOptionsFrom } from "../src/publish/create-publisher.js";
import { type KafkaClientName, kafkaClients } from "../src/publish/options.js";
import { type EventPublisher, PublishError } from "../src/publish/publisher.js";
import { devConfig } from "./setup-app.js";
import { createTopics, readTopic } from "./support/kafka.js";
import { type SecureBroker, startSecureBroker } from "./support/secure-broker.js";

/**
 * Both publishers against a real broker of the test's own with TLS and SASL listeners, configured the
 * way the process is (environment → loadConfig → publisher): mutual TLS, SCRAM-SHA-512 and MSK IAM's
 * OAUTHBEARER (the broker's stand-in validator checks the token's shape, not AWS's signature), and the
 * failures an operator meets first: a wrong password, a broker certificate from an unknown CA, no
 * client certificate. A failure must say why and come within the publish timeout.
 */
const run = randomUUID().slice(0, 8);
const PUBLISH_TIMEOUT_MS = 4000;
/** Slack for a busy 2-core machine running the broker's JVM next to the test. */
const MARGIN_MS = 2500;
/** A refusal test waits for `isReady` and then a publish, each bounded by the publish timeout. */
const REFUSAL_TEST_MS = 2 * PUBLISH_TIMEOUT_MS + MARGIN_MS;
const cases = ["ssl", "scram", "iam"] as const;
const topicOf = (client: KafkaClientName, name: (typeof cases)[number]) => `secure-${run}-${client}-${name}`;

let broker: SecureBroker;
const publishers: EventPublisher[] = [];

beforeAll(async () => {
  broker = await startSecureBroker();
  await createTopics(
    broker.plaintext,
    kafkaClients.flatMap((client) => cases.map((name) => ({ topic: topicOf(client, name), partitions: 2 }))),
  );
}, 180_000);

afterAll(async () => {
  await broker?.dispose();
});

afterEach(async () => {
  await Promise.all(publishers.splice(0).map((publisher) => publisher.close()));
});

/** A publisher built from environment variables, exactly as src/server.ts builds it. */
function publisherFor(client: KafkaClientName, brokers: string[], env: Record<string, string>) {
  const config = devConfig({
    KAFKA_BROKERS: brokers.join(","),
    COLLECTOR_KAFKA_CLIENT: client,
    COLLECTOR_PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS),
    COLLECTOR_GEOIP_DB: "off",
    ...env,
  });
  const publisher = createPublisher(config.kafkaClient, publisherOptionsFrom(config));
  publishers.push(publisher);
  return publisher;
}

const tlsEnv = () => ({
  KAFKA_SECURITY_PROTOCOL: "SSL",
  KAFKA_SSL_CA_FILE: broker.pki.ca.certFile,
  KAFKA_SSL_CERT_FILE: broker.pki.client.certFile,
  KAFKA_SSL_KEY_FILE: broker.pki.client.keyFile,
  KAFKA_SSL_KEY_PASSWORD: broker.pki.client.keyPassword,
});

const scramEnv = (password = broker.scram.password) => ({
  KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
  KAFKA_SSL_CA_FILE: broker.pki.ca.certFile,
  KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
  KAFKA_SASL_USERNAME: broker.scram.username,
  KAFKA_SASL_PASSWORD: password,
});

/** Publishes a few records and reads them back over the broker's PLAINTEXT listener. */
async function roundTrip(publisher: EventPublisher, topic: string) {
  const values = Array.from({ length: 6 }, (_, i) => JSON.stringify({ run, topic, i }));
  await publisher.publish(values.map((value, i) => ({ topic, key: `key-${i % 3}`, value })));
  const read = await readTopic(broker.plaintext, topic);
  expect(read.map((record) => record.value).sort()).toEqual([...values].sort());
}

/** Not ready, and a publish rejected with a PublishError whose message matches `reason`, in time. */
async function expectRefused(publisher: EventPublisher, topic: string, reason: RegExp) {
  expect(await publisher.isReady()).toBe(false);
  const startedAt = performance.now();
  const error = await publisher.publish([{ topic, key: null, value: "{}" }]).then(
    () => undefined,
    (e: unknown) => e,
  );
  const elapsedMs = performance.now() - startedAt;
  expect(error).toBeInstanceOf(PublishError);
  expect((error as Error).message).toMatch(reason);
  expect(elapsedMs).toBeLessThan(PUBLISH_TIMEOUT_MS + MARGIN_MS);
}

describe.each(kafkaClients)("%s over TLS and SASL", (client) => {
  it("publishes over SSL with a client certificate whose key is encrypted (mutual TLS)", async () => {
    const publisher = publisherFor(client, broker.ssl, tlsEnv());
    expect(await publisher.isReady()).toBe(true);
    await roundTrip(publisher, topicOf(client, "ssl"));
  });

  it("publishes over SASL_SSL with SCRAM-SHA-512, the password read from a file", async () => {
    const { KAFKA_SASL_PASSWORD: password, ...env } = scramEnv();
    const passwordFile = `${broker.dir}/scram-password-${client}`;
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    const publisher = publisherFor(client, broker.saslSsl, { ...env, KAFKA_SASL_PASSWORD_FILE: passwordFile });
    expect(await publisher.isReady()).toBe(true);
    await roundTrip(publisher, topicOf(client, "scram"));
  });

  it("publishes over SASL_SSL OAUTHBEARER with an MSK IAM token signed with the default chain's credentials", async () => {
    // The default chain's first source is the environment, as on a machine with keys exported.
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = "AKIDCOLLECTORTEST";
    process.env.AWS_SECRET_ACCESS_KEY = "collector-test-secret";
    try {
      const publisher = publisherFor(client, broker.saslSsl, {
        KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
        KAFKA_SSL_CA_FILE: broker.pki.ca.certFile,
        KAFKA_SASL_MECHANISM: "AWS_MSK_IAM",
        AWS_REGION: "eu-west-1",
      });
      expect(await publisher.isReady()).toBe(true);
      await roundTrip(publisher, topicOf(client, "iam"));
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });

  it(
    "fails to publish with MSK IAM when the default chain finds no AWS credentials, saying so",
    async () => {
      const names = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"] as const;
      const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
      const hermetic = {
        // Nothing from this machine's files, and no instance metadata call (a non-loopback address).
        AWS_SHARED_CREDENTIALS_FILE: `${broker.dir}/no-credentials`,
        AWS_CONFIG_FILE: `${broker.dir}/no-config`,
        AWS_EC2_METADATA_DISABLED: "true",
      };
      for (const name of names) delete process.env[name];
      Object.assign(process.env, hermetic);
      try {
        const publisher = publisherFor(client, broker.saslSsl, {
          KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
          KAFKA_SSL_CA_FILE: broker.pki.ca.certFile,
          KAFKA_SASL_MECHANISM: "AWS_MSK_IAM",
          AWS_REGION: "eu-west-1",
        });
        await expectRefused(publisher, topicOf(client, "iam"), /no AWS credentials for MSK IAM/);
      } finally {
        for (const name of Object.keys(hermetic)) delete process.env[name];
        for (const name of names) if (saved[name] !== undefined) process.env[name] = saved[name];
      }
    },
    REFUSAL_TEST_MS,
  );

  it(
    "is refused with a wrong SCRAM password, saying so",
    async () => {
      const publisher = publisherFor(client, broker.saslSsl, scramEnv("not-the-password"));
      // @platformatic/kafka does not pass on the broker's error text ("… due to invalid credentials").
      const reason =
        client === "platformatic" ? /SASL authentication failed/ : /authentication failed.*invalid credentials/i;
      await expectRefused(publisher, topicOf(client, "scram"), reason);
    },
    REFUSAL_TEST_MS,
  );

  it(
    "refuses a broker whose certificate an unknown CA signed, saying so",
    async () => {
      const publisher = publisherFor(client, broker.saslSsl, {
        ...scramEnv(),
        KAFKA_SSL_CA_FILE: broker.pki.otherCa.certFile,
      });
      await expectRefused(
        publisher,
        topicOf(client, "scram"),
        /certificate verify failed|unable to verify the first certificate/,
      );
    },
    REFUSAL_TEST_MS,
  );

  it(
    "is refused by the mutual-TLS listener without a client certificate",
    async () => {
      const publisher = publisherFor(client, broker.ssl, {
        KAFKA_SECURITY_PROTOCOL: "SSL",
        KAFKA_SSL_CA_FILE: broker.pki.ca.certFile,
      });
      await expectRefused(publisher, topicOf(client, "ssl"), /bad certificate/);
    },
    REFUSAL_TEST_MS,
  );
});

describe("the broker's MSK IAM stand-in", () => {
  // Else the IAM cases above would prove nothing: the stand-in must refuse what MSK would refuse.
  // (librdkafka here: kafkajs 2.2.4 does not answer the broker's OAUTHBEARER error challenge, takes
  // the refusal for a success and only fails its next request; see the README.)
  it("refuses an OAUTHBEARER token that is not an MSK IAM token", async () => {
    const notMsk = Buffer.from("https://kafka.eu-west-1.amazonaws.com/?Action=kafka-cluster:Connect").toString(
      "base64url",
    );
    const errors: string[] = [];
    const producer = new rdkafka.Producer({
      "bootstrap.servers": broker.saslSsl.join(","),
      "security.protocol": "sasl_ssl",
      "ssl.ca.location": broker.pki.ca.certFile,
      "sasl.mechanisms": "OAUTHBEARER",
      oauthbearer_token_refresh_cb: async () => ({ tokenValue: notMsk, lifetime: Date.now() + 600_000, principal: "" }),
      log_level: 3,
    });
    producer.on("event.log", (log: { message: string }) => errors.push(log.message));
    const error = await new Promise<unknown>((resolve) => producer.connect({ timeout: 3000 }, resolve));
    expect(error).toBeTruthy();
    expect(errors.join("\n")).toContain('SASL authentication error: {"status":"invalid_token"}');
  });
});
