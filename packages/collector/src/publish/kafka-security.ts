import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ProducerGlobalConfig } from "@confluentinc/kafka-javascript";
import type { ConnectionOptions as PlatformaticConnectionOptions } from "@platformatic/kafka";
import type { KafkaConfig } from "kafkajs";
import type { Env } from "../env-reader.js";
import { createMskIamTokenProvider, type MskIamTokenProvider } from "./msk-iam-token.js";

/**
 * How the collector authenticates to Kafka and encrypts the connection: managed Kafka (Amazon MSK,
 * Confluent Cloud, Aiven, …) with TLS, SASL/SCRAM or MSK IAM. Read once at start-up with the names
 * librdkafka and the Java client use, checked (files readable, key and certificate matching,
 * combinations coherent), then mapped to each client's options by the pure functions below.
 */

/** `KAFKA_SECURITY_PROTOCOL`: Kafka's own names. */
export const securityProtocols = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] as const;
export type SecurityProtocol = (typeof securityProtocols)[number];

/** `KAFKA_SASL_MECHANISM`. `OAUTHBEARER` is read as `AWS_MSK_IAM`: MSK IAM is the only token source here. */
export const saslMechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "AWS_MSK_IAM", "OAUTHBEARER"] as const;

export interface TlsSettings {
  /** PEM file of the CA certificate(s) that signed the brokers' certificates; unset: the system's CAs. */
  caFile?: string;
  /** PEM file of the client certificate, for brokers that require one (mutual TLS). */
  certFile?: string;
  /** PEM file (PKCS#8 or PKCS#1) of the client certificate's private key. */
  keyFile?: string;
  keyPassword?: string;
  /** The files' contents, read once at start-up: kafkajs takes PEM text, librdkafka the file names. */
  pem: { ca?: string; cert?: string; key?: string };
}

export type SaslSettings =
  | { mechanism: "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512"; username: string; password: string }
  | { mechanism: "AWS_MSK_IAM"; region: string };

export interface KafkaSecurity {
  protocol: SecurityProtocol;
  /** Present for SSL and SASL_SSL. */
  tls?: TlsSettings;
  /** Present for SASL_PLAINTEXT and SASL_SSL. */
  sasl?: SaslSettings;
}

export const plaintext: KafkaSecurity = { protocol: "PLAINTEXT" };

const PROTOCOL = "KAFKA_SECURITY_PROTOCOL";
const CA_FILE = "KAFKA_SSL_CA_FILE";
const CERT_FILE = "KAFKA_SSL_CERT_FILE";
const KEY_FILE = "KAFKA_SSL_KEY_FILE";
const KEY_PASSWORD = "KAFKA_SSL_KEY_PASSWORD";
const KEY_PASSWORD_FILE = "KAFKA_SSL_KEY_PASSWORD_FILE";
const MECHANISM = "KAFKA_SASL_MECHANISM";
const USERNAME = "KAFKA_SASL_USERNAME";
const PASSWORD = "KAFKA_SASL_PASSWORD";
const PASSWORD_FILE = "KAFKA_SASL_PASSWORD_FILE";
const REGION = "AWS_REGION";

const setting = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;

/** A file's text, or a problem naming the variable that points at it. */
function readSettingFile(name: string, path: string, problems: string[]): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    problems.push(`${name}: cannot read "${path}" (${reason})`);
    return undefined;
  }
}

/**
 * A secret given inline (`NAME`) or as a file (`NAME_FILE`, e.g. a mounted Kubernetes or Docker
 * secret; one trailing newline is dropped, since editors and `echo` add one).
 */
function readSecret(env: Env, name: string, fileName: string, problems: string[]): string | undefined {
  const inline = env[name];
  const file = setting(env, fileName);
  if (inline && file) {
    problems.push(`set ${name} or ${fileName}, not both`);
    return undefined;
  }
  if (file) return readSettingFile(fileName, file, problems)?.replace(/\r?\n$/, "");
  return inline || undefined;
}

/** Every certificate in a PEM text, or a problem. A CA file may hold a bundle. */
function readCertificates(name: string, pem: string, problems: string[]): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    problems.push(`${name}: no PEM certificate ("-----BEGIN CERTIFICATE-----") in the file`);
    return [];
  }
  try {
    return blocks.map((block) => new X509Certificate(block));
  } catch (error) {
    problems.push(`${name}: not a valid certificate (${(error as Error).message})`);
    return [];
  }
}

function readTls(env: Env, problems: string[]): TlsSettings {
  const caFile = setting(env, CA_FILE);
  const certFile = setting(env, CERT_FILE);
  const keyFile = setting(env, KEY_FILE);
  const keyPassword = readSecret(env, KEY_PASSWORD, KEY_PASSWORD_FILE, problems);
  const tls: TlsSettings = { pem: {} };
  if (caFile) {
    tls.caFile = caFile;
    tls.pem.ca = readSettingFile(CA_FILE, caFile, problems);
    if (tls.pem.ca !== undefined) readCertificates(CA_FILE, tls.pem.ca, problems);
  }
  if (Boolean(certFile) !== Boolean(keyFile)) {
    problems.push(`${CERT_FILE} and ${KEY_FILE} go together (a client certificate needs its private key)`);
  }
  if (keyPassword && !keyFile) problems.push(`${KEY_PASSWORD} is set without ${KEY_FILE}`);
  if (!certFile || !keyFile) return tls;

  Object.assign(tls, { certFile, keyFile }, keyPassword ? { keyPassword } : {});
  tls.pem.cert = readSettingFile(CERT_FILE, certFile, problems);
  tls.pem.key = readSettingFile(KEY_FILE, keyFile, problems);
  const [certificate] = tls.pem.cert === undefined ? [] : readCertificates(CERT_FILE, tls.pem.cert, problems);
  let key: KeyObject | undefined;
  if (tls.pem.key !== undefined) {
    try {
      key = createPrivateKey({ key: tls.pem.key, format: "pem", ...(keyPassword ? { passphrase: keyPassword } : {}) });
    } catch (error) {
      const hint = keyPassword ? "wrong password, or not a PEM private key" : `encrypted? set ${KEY_PASSWORD}`;
      problems.push(`${KEY_FILE}: cannot read the private key (${hint}: ${(error as Error).message})`);
    }
  }
  if (certificate && key && !certificate.checkPrivateKey(key)) {
    problems.push(`${KEY_FILE} is not the private key of the certificate in ${CERT_FILE}`);
  }
  return tls;
}

function readSasl(env: Env, protocol: SecurityProtocol, problems: string[]): SaslSettings | undefined {
  const raw = setting(env, MECHANISM)?.toUpperCase();
  if (raw === undefined) {
    problems.push(`${PROTOCOL}=${protocol} needs ${MECHANISM} (${saslMechanisms.join(", ")})`);
    return undefined;
  }
  if (!(saslMechanisms as readonly string[]).includes(raw)) {
    problems.push(`${MECHANISM} must be one of ${saslMechanisms.join(", ")} (got "${env[MECHANISM]}")`);
    return undefined;
  }
  const username = setting(env, USERNAME);
  const problemsBefore = problems.length;
  const password = readSecret(env, PASSWORD, PASSWORD_FILE, problems);
  // A password file that could not be read is already reported; "needs a password" would be noise.
  const passwordReported = problems.length > problemsBefore;

  if (raw === "AWS_MSK_IAM" || raw === "OAUTHBEARER") {
    if (username || password) {
      problems.push(`${MECHANISM}=${raw} signs with AWS credentials: unset ${USERNAME} and ${PASSWORD}`);
    }
    // MSK serves IAM authentication only on its TLS listener (port 9098).
    if (protocol !== "SASL_SSL") problems.push(`${MECHANISM}=${raw} needs ${PROTOCOL}=SASL_SSL (MSK IAM is TLS only)`);
    const region = setting(env, REGION);
    if (!region) {
      problems.push(`${MECHANISM}=${raw} needs ${REGION}, the cluster's region (tokens are signed for it)`);
      return undefined;
    }
    return { mechanism: "AWS_MSK_IAM", region };
  }
  const mechanism = raw as "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";
  const missing = [
    ...(username ? [] : [USERNAME]),
    ...(password || passwordReported ? [] : [`${PASSWORD} (or ${PASSWORD_FILE})`]),
  ];
  if (missing.length > 0) problems.push(`${MECHANISM}=${mechanism} needs ${missing.join(" and ")}`);
  if (!username || !password) return undefined;
  return { mechanism, username, password };
}

/** Reads and checks the security settings; each problem names its variable. */
export function readKafkaSecurity(env: Env, problems: string[]): KafkaSecurity {
  const rawProtocol = setting(env, PROTOCOL)?.toUpperCase() ?? "PLAINTEXT";
  if (!(securityProtocols as readonly string[]).includes(rawProtocol)) {
    problems.push(`${PROTOCOL} must be one of ${securityProtocols.join(", ")} (got "${env[PROTOCOL]}")`);
    return plaintext;
  }
  const protocol = rawProtocol as SecurityProtocol;
  const usesTls = protocol === "SSL" || protocol === "SASL_SSL";
  const usesSasl = protocol === "SASL_PLAINTEXT" || protocol === "SASL_SSL";

  // Settings that the chosen protocol would silently ignore are a mistake worth stopping for: a
  // deployment that sets a CA file believes its connection is encrypted.
  const tlsNames = [CA_FILE, CERT_FILE, KEY_FILE, KEY_PASSWORD, KEY_PASSWORD_FILE].filter((n) => setting(env, n));
  if (!usesTls && tlsNames.length > 0) {
    problems.push(`${tlsNames.join(", ")} set, but ${PROTOCOL}=${protocol} does not use TLS (SSL or SASL_SSL does)`);
  }
  const saslNames = [MECHANISM, USERNAME, PASSWORD, PASSWORD_FILE].filter((n) => setting(env, n));
  if (!usesSasl && saslNames.length > 0) {
    problems.push(
      `${saslNames.join(", ")} set, but ${PROTOCOL}=${protocol} does not use SASL (SASL_SSL or SASL_PLAINTEXT does)`,
    );
  }

  const security: KafkaSecurity = { protocol };
  if (usesTls) security.tls = readTls(env, problems);
  if (usesSasl) {
    const sasl = readSasl(env, protocol, problems);
    if (sasl) security.sasl = sasl;
  }
  return security;
}

/** What the client's OAUTHBEARER support needs: a token source per client (see msk-iam-token.ts). */
export type TokenProviderFactory = (region: string) => MskIamTokenProvider;

const mskIamTokens: TokenProviderFactory = (region) => createMskIamTokenProvider({ region });

/**
 * librdkafka's settings (`@confluentinc/kafka-javascript`): file locations for TLS, and for MSK IAM
 * a token refresh callback, which librdkafka calls before the first connection and again at 80% of
 * each token's lifetime.
 */
export function librdkafkaSecurityConfig(
  security: KafkaSecurity,
  tokens: TokenProviderFactory = mskIamTokens,
): Partial<ProducerGlobalConfig> {
  const config: Partial<ProducerGlobalConfig> = {
    "security.protocol": security.protocol.toLowerCase() as ProducerGlobalConfig["security.protocol"],
  };
  const { tls, sasl } = security;
  if (tls?.caFile) config["ssl.ca.location"] = tls.caFile;
  if (tls?.certFile) config["ssl.certificate.location"] = tls.certFile;
  if (tls?.keyFile) config["ssl.key.location"] = tls.keyFile;
  if (tls?.keyPassword) config["ssl.key.password"] = tls.keyPassword;
  if (sasl?.mechanism === "AWS_MSK_IAM") {
    const provider = tokens(sasl.region);
    config["sasl.mechanisms"] = "OAUTHBEARER";
    // `lifetime` is when the token expires, in ms since the epoch; MSK ignores the principal name.
    config.oauthbearer_token_refresh_cb = async () => {
      const token = await provider.refresh();
      return { tokenValue: token.value, lifetime: token.expiresAtMs, principal: "" };
    };
  } else if (sasl) {
    config["sasl.mechanisms"] = sasl.mechanism;
    config["sasl.username"] = sasl.username;
    config["sasl.password"] = sasl.password;
  }
  return config;
}

/**
 * Node's `tls.connect` options for the clients that run on Node's sockets: PEM text (without a CA
 * file, Node's own CA list).
 */
function nodeTlsOptions(tls: TlsSettings): { ca?: string[]; cert?: string; key?: string; passphrase?: string } {
  const { ca, cert, key } = tls.pem;
  return {
    ...(ca !== undefined ? { ca: [ca] } : {}),
    ...(cert !== undefined && key !== undefined ? { cert, key } : {}),
    ...(tls.keyPassword ? { passphrase: tls.keyPassword } : {}),
  };
}

/**
 * kafkajs' settings: Node's TLS options, and for MSK IAM an `oauthBearerProvider`, which kafkajs
 * calls on every new connection.
 */
export function kafkajsSecurityConfig(
  security: KafkaSecurity,
  tokens: TokenProviderFactory = mskIamTokens,
): Pick<KafkaConfig, "ssl" | "sasl"> {
  const { tls, sasl } = security;
  const config: Pick<KafkaConfig, "ssl" | "sasl"> = {};
  if (tls) {
    const options = nodeTlsOptions(tls);
    config.ssl = Object.keys(options).length > 0 ? options : true;
  }
  if (sasl?.mechanism === "AWS_MSK_IAM") {
    const provider = tokens(sasl.region);
    config.sasl = {
      mechanism: "oauthbearer",
      oauthBearerProvider: async () => ({ value: (await provider.current()).value }),
    };
  } else if (sasl) {
    const { username, password } = sasl;
    config.sasl =
      sasl.mechanism === "PLAIN"
        ? { mechanism: "plain", username, password }
        : sasl.mechanism === "SCRAM-SHA-256"
          ? { mechanism: "scram-sha-256", username, password }
          : { mechanism: "scram-sha-512", username, password };
  }
  return config;
}

/**
 * @platformatic/kafka's settings: Node's TLS options with the broker's host name sent for SNI (as
 * kafkajs does; Confluent Cloud routes by it), SASL by Kafka's mechanism names, and for MSK IAM a
 * token function, which it calls on every authentication, including the re-authentication it runs
 * at 80% of the session lifetime the broker grants.
 */
export function platformaticSecurityConfig(
  security: KafkaSecurity,
  tokens: TokenProviderFactory = mskIamTokens,
): Pick<PlatformaticConnectionOptions, "tls" | "tlsServerName" | "sasl"> {
  const { tls, sasl } = security;
  const config: Pick<PlatformaticConnectionOptions, "tls" | "tlsServerName" | "sasl"> = {};
  if (tls) {
    config.tls = nodeTlsOptions(tls);
    config.tlsServerName = true;
  }
  if (sasl?.mechanism === "AWS_MSK_IAM") {
    const provider = tokens(sasl.region);
    config.sasl = { mechanism: "OAUTHBEARER", token: async () => (await provider.current()).value };
  } else if (sasl) {
    config.sasl = { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
  }
  return config;
}
