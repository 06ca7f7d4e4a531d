import { availableParallelism } from "node:os";
import {
  type CountryDatabase,
  defaultCountryDatabasePath,
  GeoIpDatabaseError,
  openCountryDatabase,
} from "./enrich/geo-country.js";
import { createEnvReader, type Env } from "./env-reader.js";
import { crossCheckHttpSettings, type HttpSettings, isOriginPattern, readHttpSettings } from "./http/settings.js";
import { readWriteKeyFile } from "./keys/key-file-reloader.js";
import {
  type KeyRequirements,
  type WriteKeyTable,
  writeKeyProblems,
  writeKeysFromList,
} from "./keys/write-key-table.js";
import { type PublisherSettings, readPublisherSettings } from "./publish/settings.js";

/**
 * Collector configuration, read from the environment once at start-up. Anything wrong stops the
 * process before it listens, with one message that lists every problem.
 */
export interface CollectorConfig extends HttpSettings, PublisherSettings {
  host: string;
  port: number;
  kafkaBrokers: string[];
  kafkaClientId: string;
  rawTopic: string;
  invalidTopic: string;
  /**
   * write key → source id at start: COLLECTOR_WRITE_KEYS and the key file's entries. Empty means "no
   * authentication", allowed only with COLLECTOR_ALLOW_NO_WRITE_KEYS (local development).
   */
  writeKeys: WriteKeyTable;
  /** COLLECTOR_WRITE_KEYS alone: kept in force when the key file is reloaded. */
  envWriteKeys: WriteKeyTable;
  /** COLLECTOR_WRITE_KEYS_FILE: a file or mounted secret of key=sourceId lines, reloaded on change and SIGHUP. */
  writeKeysFile: string | undefined;
  /** COLLECTOR_WRITE_KEYS_FILE_POLL_MS: how often the key file is checked for a change (default 2000). */
  writeKeysFilePollMs: number;
  /** What every set of keys must satisfy, at start and on each reload. */
  keyRequirements: KeyRequirements;
  /**
   * COLLECTOR_SERVER_SOURCES: sources that are servers sending on behalf of shoppers (a shop's backend).
   * For their events `context.ip` is the shopper's IP, used for geo and anonymisation, as Segment does;
   * other sources' `context.ip` is ignored (a browser could claim any address).
   */
  serverSources: Set<string>;
  maxEventBytes: number;
  maxBatchBytes: number;
  /** How long a request may wait for Kafka before it gets a 503. */
  publishTimeoutMs: number;
  /** Client timestamps further off than this (after skew correction) are replaced by the receive time. */
  maxClockSkewMs: number;
  /** Browser origins allowed to send (CORS); `["*"]`, the default, allows any. */
  corsOrigins: string[];
  /** Reverse proxies whose X-Forwarded-For we believe (Fastify `trustProxy`). */
  trustProxy: string[] | boolean;
  logLevel: string;
  /**
   * COLLECTOR_WORKERS: processes serving requests, `auto` (the default) for one per available core.
   * Above 1, a primary process forks and watches that many workers (src/cluster/primary.ts).
   */
  workers: number;
  /** COLLECTOR_ADMIN_PORT: when set, /metrics is served on this port (on COLLECTOR_ADMIN_HOST) and not on the public one. */
  adminPort: number | undefined;
  adminHost: string;
  /**
   * The country database for `enrichment.geoCountry`, opened once here; undefined when
   * COLLECTOR_GEOIP_DB is `off` (no lookup, no geoCountry).
   */
  geoIp: CountryDatabase | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid collector configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

const GEOIP_DB = "COLLECTOR_GEOIP_DB";

/** Opens the country database (the shipped one unless COLLECTOR_GEOIP_DB names another, or says `off`). */
function readGeoIpDatabase(env: Env, problems: string[]): CountryDatabase | undefined {
  const setting = env[GEOIP_DB]?.trim() ?? "";
  if (setting.toLowerCase() === "off") return undefined;
  try {
    return openCountryDatabase(setting || defaultCountryDatabasePath());
  } catch (error) {
    if (!(error instanceof GeoIpDatabaseError)) throw error;
    problems.push(`${GEOIP_DB}: ${error.message} (set it to a MaxMind-format country database, .mmdb, or to "off")`);
    return undefined;
  }
}

/** Most worker processes: beyond a machine's cores more processes only add memory and context switches. */
const MAX_WORKERS = 256;

function readWorkers(env: Env, problems: string[]): number {
  const raw = env.COLLECTOR_WORKERS?.trim().toLowerCase() || "auto";
  if (raw === "auto") return availableParallelism();
  const workers = Number(raw);
  if (Number.isInteger(workers) && workers >= 1 && workers <= MAX_WORKERS) return workers;
  problems.push(
    `COLLECTOR_WORKERS must be auto or an integer from 1 to ${MAX_WORKERS} (got "${env.COLLECTOR_WORKERS}")`,
  );
  return 1;
}

export function loadConfig(env: Env = process.env): CollectorConfig {
  const problems: string[] = [];

  const { integer, list, flag } = createEnvReader(env, problems);
  const text = (name: string, fallback: string): string => env[name]?.trim() || fallback;

  const brokers = text("KAFKA_BROKERS", "127.0.0.1:19092")
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d+$/.test(broker)) problems.push(`KAFKA_BROKERS entry "${broker}" must be host:port`);
  }

  const envWriteKeys = writeKeysFromList(env.COLLECTOR_WRITE_KEYS, problems);
  const writeKeysFile = env.COLLECTOR_WRITE_KEYS_FILE?.trim() || undefined;
  const serverSources = new Set(list("COLLECTOR_SERVER_SOURCES"));

  // The same entries readHttpSettings checks.
  const proxies = list("COLLECTOR_TRUST_PROXY");
  const trustProxy = proxies.length === 0 ? false : proxies;

  const corsOrigins = text("COLLECTOR_CORS_ORIGINS", "*")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (!isOriginPattern(origin)) {
      problems.push(`COLLECTOR_CORS_ORIGINS entry "${origin}" must be * or scheme://host[:port]`);
    }
  }

  const config: CollectorConfig = {
    host: text("COLLECTOR_HOST", "127.0.0.1"),
    port: integer("COLLECTOR_PORT", 18080, 0, 65535),
    kafkaBrokers: brokers,
    kafkaClientId: text("COLLECTOR_KAFKA_CLIENT_ID", "shop-collector"),
    rawTopic: text("KAFKA_TOPIC_RAW", "events.raw"),
    invalidTopic: text("KAFKA_TOPIC_INVALID", "events.invalid"),
    writeKeys: envWriteKeys,
    envWriteKeys,
    writeKeysFile,
    writeKeysFilePollMs: integer("COLLECTOR_WRITE_KEYS_FILE_POLL_MS", 2000, 100, 3_600_000),
    keyRequirements: { namedSources: [], allowNoWriteKeys: flag("COLLECTOR_ALLOW_NO_WRITE_KEYS", false) },
    serverSources,
    maxEventBytes: integer("COLLECTOR_MAX_EVENT_BYTES", 32 * 1024, 1024, 1024 * 1024),
    maxBatchBytes: integer("COLLECTOR_MAX_BATCH_BYTES", 500 * 1024, 1024, 16 * 1024 * 1024),
    publishTimeoutMs: integer("COLLECTOR_PUBLISH_TIMEOUT_MS", 5000, 100, 120_000),
    maxClockSkewMs: integer("COLLECTOR_MAX_CLOCK_SKEW_MS", 24 * 3600 * 1000, 0, 365 * 24 * 3600 * 1000),
    corsOrigins,
    trustProxy,
    logLevel: text("COLLECTOR_LOG_LEVEL", "info"),
    adminPort: env.COLLECTOR_ADMIN_PORT?.trim() ? integer("COLLECTOR_ADMIN_PORT", 0, 0, 65535) : undefined,
    adminHost: text("COLLECTOR_ADMIN_HOST", "127.0.0.1"),
    workers: readWorkers(env, problems),
    geoIp: readGeoIpDatabase(env, problems),
    ...readHttpSettings(env, problems),
    ...readPublisherSettings(env, problems),
  };
  problems.push(...crossCheckHttpSettings(config));
  config.keyRequirements.namedSources = [
    ...[...config.sourceOrigins.keys()].map((source) => ({ source, setting: "COLLECTOR_SOURCE_ORIGINS" })),
    ...[...serverSources].map((source) => ({ source, setting: "COLLECTOR_SERVER_SOURCES" })),
  ];
  if (writeKeysFile === undefined) {
    problems.push(...writeKeyProblems(envWriteKeys, config.keyRequirements));
  } else {
    const fromFile = readWriteKeyFile(writeKeysFile, envWriteKeys, config.keyRequirements);
    problems.push(...fromFile.problems);
    config.writeKeys = fromFile.table;
  }
  if (config.maxEventBytes > config.maxBatchBytes) {
    problems.push("COLLECTOR_MAX_EVENT_BYTES must not exceed COLLECTOR_MAX_BATCH_BYTES");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Problems of the settings for running several processes (server.ts checks them before forking; an app
 * built in process, as the tests build it, never forks).
 */
export function multiProcessProblems(config: CollectorConfig): string[] {
  // Each worker binds its own socket (SO_REUSEPORT): port 0 would give each a different random port.
  return config.workers > 1 && config.port === 0
    ? ["COLLECTOR_PORT=0 (any free port) cannot be shared by COLLECTOR_WORKERS > 1: give a port"]
    : [];
}

/** Settings that work but that an operator should hear about at start. */
export function startupWarnings(config: CollectorConfig): string[] {
  const warnings: string[] = [];
  if (config.writeKeys.size === 0) {
    warnings.push(
      "authentication is off (COLLECTOR_ALLOW_NO_WRITE_KEYS=true, no write keys): anyone who reaches this collector can send events; for local development only",
    );
  } else if (config.corsOrigins.includes("*")) {
    warnings.push(
      "COLLECTOR_CORS_ORIGINS is * while write keys are configured: any web page can send with a key it has seen; list your sites' origins (COLLECTOR_CORS_ORIGINS, COLLECTOR_SOURCE_ORIGINS)",
    );
  }
  return warnings;
}
