import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publisherOptionsFrom } from "../src/publish/create-publisher.js";
import {
  kafkajsSecurityConfig,
  librdkafkaSecurityConfig,
  platformaticSecurityConfig,
} from "../src/publish/kafka-security.js";
import type { MskIamTokenProvider } from "../src/publish/msk-iam-token.js";
import { devConfig, problemsOf } from "./setup-app.js";
import { createTestPki, type TestPki } from "./support/certificates.js";

/** Managed-Kafka settings: read from the environment, checked, and mapped to both clients' options. */
let dir: string;
let pki: TestPki;
let passwordFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "collector-kafka-security-"));
  pki = await createTestPki(dir);
  passwordFile = join(dir, "scram-password");
  await writeFile(passwordFile, "s3cret from a file\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = (env: Record<string, string>) => devConfig({ COLLECTOR_GEOIP_DB: "off", ...env });
const mutualTls = () => ({
  KAFKA_SECURITY_PROTOCOL: "SSL",
  KAFKA_SSL_CA_FILE: pki.ca.certFile,
  KAFKA_SSL_CERT_FILE: pki.client.certFile,
  KAFKA_SSL_KEY_FILE: pki.client.keyFile,
  KAFKA_SSL_KEY_PASSWORD: pki.client.keyPassword,
});
const scram = () => ({
  KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
  KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
  KAFKA_SASL_USERNAME: "collector",
  KAFKA_SASL_PASSWORD: "s3cret",
});
const iam = () => ({
  KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
  KAFKA_SASL_MECHANISM: "AWS_MSK_IAM",
  AWS_REGION: "eu-west-1",
});

describe("Kafka security settings", () => {
  it("default to PLAINTEXT, which every client gets as no TLS and no SASL", () => {
    const { kafkaSecurity } = config({});
    expect(kafkaSecurity).toEqual({ protocol: "PLAINTEXT" });
    expect(librdkafkaSecurityConfig(kafkaSecurity)).toEqual({ "security.protocol": "plaintext" });
    expect(kafkajsSecurityConfig(kafkaSecurity)).toEqual({});
    expect(platformaticSecurityConfig(kafkaSecurity)).toEqual({});
  });

  it("reach the publisher options", () => {
    const options = publisherOptionsFrom(config(scram()));
    expect(options.security).toMatchObject({ protocol: "SASL_SSL", sasl: { mechanism: "SCRAM-SHA-512" } });
  });

  it("map mutual TLS to librdkafka's file locations and to PEM text for the clients on Node's sockets", async () => {
    const { kafkaSecurity } = config(mutualTls());
    expect(librdkafkaSecurityConfig(kafkaSecurity)).toEqual({
      "security.protocol": "ssl",
      "ssl.ca.location": pki.ca.certFile,
      "ssl.certificate.location": pki.client.certFile,
      "ssl.key.location": pki.client.keyFile,
      "ssl.key.password": pki.client.keyPassword,
    });
    const pem = {
      ca: [await readFile(pki.ca.certFile, "utf8")],
      cert: await readFile(pki.client.certFile, "utf8"),
      key: await readFile(pki.client.keyFile, "utf8"),
      passphrase: pki.client.keyPassword,
    };
    expect(kafkajsSecurityConfig(kafkaSecurity)).toEqual({ ssl: pem });
    // The broker's host name goes out for SNI, as kafkajs sends it.
    expect(platformaticSecurityConfig(kafkaSecurity)).toEqual({ tls: pem, tlsServerName: true });
  });

  it("use the system's CAs when TLS has no CA file (public CAs, as MSK's)", () => {
    const { kafkaSecurity } = config({ KAFKA_SECURITY_PROTOCOL: "SSL" });
    expect(librdkafkaSecurityConfig(kafkaSecurity)).toEqual({ "security.protocol": "ssl" });
    expect(kafkajsSecurityConfig(kafkaSecurity)).toEqual({ ssl: true });
    expect(platformaticSecurityConfig(kafkaSecurity)).toEqual({ tls: {}, tlsServerName: true });
  });

  it("map SCRAM and PLAIN to each client's mechanism names", () => {
    const scramSecurity = config({ ...scram(), KAFKA_SSL_CA_FILE: pki.ca.certFile }).kafkaSecurity;
    expect(librdkafkaSecurityConfig(scramSecurity)).toEqual({
      "security.protocol": "sasl_ssl",
      "ssl.ca.location": pki.ca.certFile,
      "sasl.mechanisms": "SCRAM-SHA-512",
      "sasl.username": "collector",
      "sasl.password": "s3cret",
    });
    expect(kafkajsSecurityConfig(scramSecurity).sasl).toEqual({
      mechanism: "scram-sha-512",
      username: "collector",
      password: "s3cret",
    });
    expect(platformaticSecurityConfig(scramSecurity).sasl).toEqual({
      mechanism: "SCRAM-SHA-512",
      username: "collector",
      password: "s3cret",
    });
    const sha256 = config({ ...scram(), KAFKA_SASL_MECHANISM: "scram-sha-256" }).kafkaSecurity;
    expect(kafkajsSecurityConfig(sha256).sasl).toMatchObject({ mechanism: "scram-sha-256" });
    expect(platformaticSecurityConfig(sha256).sasl).toMatchObject({ mechanism: "SCRAM-SHA-256" });
    const plain = config({ ...scram(), KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT", KAFKA_SASL_MECHANISM: "PLAIN" });
    expect(librdkafkaSecurityConfig(plain.kafkaSecurity)).toMatchObject({
      "security.protocol": "sasl_plaintext",
      "sasl.mechanisms": "PLAIN",
    });
    expect(kafkajsSecurityConfig(plain.kafkaSecurity)).toEqual({
      sasl: { mechanism: "plain", username: "collector", password: "s3cret" },
    });
    expect(platformaticSecurityConfig(plain.kafkaSecurity)).toEqual({
      sasl: { mechanism: "PLAIN", username: "collector", password: "s3cret" },
    });
  });

  it("read the SASL password from a file (a mounted secret), without its trailing newline", () => {
    const { KAFKA_SASL_PASSWORD: _, ...env } = scram();
    const { kafkaSecurity } = config({ ...env, KAFKA_SASL_PASSWORD_FILE: passwordFile });
    expect(kafkaSecurity.sasl).toMatchObject({ password: "s3cret from a file" });
  });

  it("map MSK IAM to OAUTHBEARER with a token source per client (OAUTHBEARER is read as AWS_MSK_IAM)", async () => {
    const { kafkaSecurity } = config({ ...iam(), KAFKA_SASL_MECHANISM: "oauthbearer" });
    expect(kafkaSecurity).toEqual({
      protocol: "SASL_SSL",
      tls: { pem: {} },
      sasl: { mechanism: "AWS_MSK_IAM", region: "eu-west-1" },
    });
    const calls: string[] = [];
    const tokens = (region: string): MskIamTokenProvider => ({
      current: async () => {
        calls.push(`current ${region}`);
        return { value: "cached-token", expiresAtMs: 2_000 };
      },
      refresh: async () => {
        calls.push(`refresh ${region}`);
        return { value: "new-token", expiresAtMs: 1_000 };
      },
    });
    const rdkafka = librdkafkaSecurityConfig(kafkaSecurity, tokens);
    expect(rdkafka).toMatchObject({ "security.protocol": "sasl_ssl", "sasl.mechanisms": "OAUTHBEARER" });
    expect(rdkafka).not.toHaveProperty("sasl.username");
    await expect((rdkafka.oauthbearer_token_refresh_cb as () => Promise<unknown>)()).resolves.toEqual({
      tokenValue: "new-token",
      lifetime: 1_000,
      principal: "",
    });
    const kafkajs = kafkajsSecurityConfig(kafkaSecurity, tokens);
    expect(kafkajs.ssl).toBe(true);
    const sasl = kafkajs.sasl as { mechanism: string; oauthBearerProvider: () => Promise<unknown> };
    expect(sasl.mechanism).toBe("oauthbearer");
    await expect(sasl.oauthBearerProvider()).resolves.toEqual({ value: "cached-token" });
    const platformatic = platformaticSecurityConfig(kafkaSecurity, tokens).sasl as {
      mechanism: string;
      token: () => Promise<string>;
    };
    expect(platformatic.mechanism).toBe("OAUTHBEARER");
    await expect(platformatic.token()).resolves.toBe("cached-token");
    // librdkafka asks exactly when it wants a new token; the others on every (re)authentication.
    expect(calls).toEqual(["refresh eu-west-1", "current eu-west-1", "current eu-west-1"]);
  });
});

describe("Kafka security settings that stop the collector", () => {
  const cases: Array<[string, () => Record<string, string>, RegExp]> = [
    ["an unknown protocol", () => ({ KAFKA_SECURITY_PROTOCOL: "TLS" }), /KAFKA_SECURITY_PROTOCOL must be one of/],
    [
      "a CA file with PLAINTEXT",
      () => ({ KAFKA_SSL_CA_FILE: pki.ca.certFile }),
      /KAFKA_SSL_CA_FILE set, but KAFKA_SECURITY_PROTOCOL=PLAINTEXT does not use TLS/,
    ],
    [
      "SASL settings with SSL",
      () => ({ KAFKA_SECURITY_PROTOCOL: "SSL", KAFKA_SASL_MECHANISM: "SCRAM-SHA-512" }),
      /KAFKA_SASL_MECHANISM set, but KAFKA_SECURITY_PROTOCOL=SSL does not use SASL/,
    ],
    [
      "SASL without a mechanism",
      () => ({ KAFKA_SECURITY_PROTOCOL: "SASL_SSL" }),
      /KAFKA_SECURITY_PROTOCOL=SASL_SSL needs KAFKA_SASL_MECHANISM/,
    ],
    [
      "an unknown mechanism",
      () => ({ ...scram(), KAFKA_SASL_MECHANISM: "GSSAPI" }),
      /KAFKA_SASL_MECHANISM must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, AWS_MSK_IAM, OAUTHBEARER/,
    ],
    [
      "SCRAM without a password",
      () => ({ ...scram(), KAFKA_SASL_PASSWORD: "" }),
      /SCRAM-SHA-512 needs KAFKA_SASL_PASSWORD \(or KAFKA_SASL_PASSWORD_FILE\)$/,
    ],
    [
      "SCRAM without a user name or password",
      () => ({ ...scram(), KAFKA_SASL_USERNAME: "", KAFKA_SASL_PASSWORD: "" }),
      /SCRAM-SHA-512 needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD \(or KAFKA_SASL_PASSWORD_FILE\)$/,
    ],
    [
      "a password and a password file",
      () => ({ ...scram(), KAFKA_SASL_PASSWORD_FILE: passwordFile }),
      /set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both/,
    ],
    [
      "a password file that is not there",
      () => ({ ...scram(), KAFKA_SASL_PASSWORD: "", KAFKA_SASL_PASSWORD_FILE: join(dir, "missing") }),
      /KAFKA_SASL_PASSWORD_FILE: cannot read ".*missing" \(ENOENT\)/,
    ],
    [
      "MSK IAM without TLS",
      () => ({ ...iam(), KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT" }),
      /AWS_MSK_IAM needs KAFKA_SECURITY_PROTOCOL=SASL_SSL/,
    ],
    ["MSK IAM without a region", () => ({ ...iam(), AWS_REGION: "" }), /AWS_MSK_IAM needs AWS_REGION/],
    [
      "MSK IAM with a user name",
      () => ({ ...iam(), KAFKA_SASL_USERNAME: "collector" }),
      /signs with AWS credentials: unset KAFKA_SASL_USERNAME/,
    ],
    [
      "a CA file that is not there",
      () => ({ KAFKA_SECURITY_PROTOCOL: "SSL", KAFKA_SSL_CA_FILE: join(dir, "nope.crt") }),
      /KAFKA_SSL_CA_FILE: cannot read ".*nope.crt" \(ENOENT\)/,
    ],
    [
      "a CA file without a certificate",
      () => ({ KAFKA_SECURITY_PROTOCOL: "SSL", KAFKA_SSL_CA_FILE: passwordFile }),
      /KAFKA_SSL_CA_FILE: no PEM certificate/,
    ],
    [
      "a client certificate without its key",
      () => ({ ...mutualTls(), KAFKA_SSL_KEY_FILE: "", KAFKA_SSL_KEY_PASSWORD: "" }),
      /KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together/,
    ],
    [
      "an encrypted key without its password",
      () => ({ ...mutualTls(), KAFKA_SSL_KEY_PASSWORD: "" }),
      /KAFKA_SSL_KEY_FILE: cannot read the private key \(encrypted\? set KAFKA_SSL_KEY_PASSWORD/,
    ],
    [
      "a wrong key password",
      () => ({ ...mutualTls(), KAFKA_SSL_KEY_PASSWORD: "wrong" }),
      /KAFKA_SSL_KEY_FILE: cannot read the private key \(wrong password/,
    ],
    [
      "a key that is not the certificate's",
      () => ({ ...mutualTls(), KAFKA_SSL_KEY_FILE: pki.server.keyFile, KAFKA_SSL_KEY_PASSWORD: "" }),
      /KAFKA_SSL_KEY_FILE is not the private key of the certificate in KAFKA_SSL_CERT_FILE/,
    ],
  ];

  it.each(cases)("%s", (_, env, problem) => {
    expect(problemsOf({ COLLECTOR_GEOIP_DB: "off", ...env() })).toEqual([expect.stringMatching(problem)]);
  });

  it("are listed together with every other problem", () => {
    const problems = problemsOf({
      COLLECTOR_GEOIP_DB: "off",
      COLLECTOR_PORT: "http",
      KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
    });
    expect(problems).toEqual([
      expect.stringContaining("COLLECTOR_PORT"),
      expect.stringContaining("SCRAM-SHA-512 needs"),
    ]);
  });
});
