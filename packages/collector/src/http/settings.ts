import { isIP } from "node:net";
import { createEnvReader, type Env } from "../env-reader.js";

/**
 * The HTTP side's settings (origins per source, body, rate limits, timeouts, headers, logging), read
 * from the environment by `loadConfig`, which gathers every problem into one ConfigError.
 */
export interface RateLimitSetting {
  /** Tokens per second: requests for the per-IP limit, events for the per-write-key limit. */
  perSecond: number;
  burst: number;
}

export interface HttpSettings {
  /** Source id → browser origins allowed to send with that source's write keys; others use `corsOrigins`. */
  sourceOrigins: Map<string, string[]>;
  /** Deepest nesting of objects and arrays accepted in a body. */
  maxJsonDepth: number;
  /** Requests per second per client IP; undefined = no limit. */
  ipRateLimit: RateLimitSetting | undefined;
  /** Events per second per write key; undefined = no limit. */
  writeKeyRateLimit: RateLimitSetting | undefined;
  /** Most clients (IPs or keys) each limiter tracks at once. */
  rateLimitMaxClients: number;
  /** Time a client has to send a whole request (Node `requestTimeout`); slower ones get 408. */
  requestTimeoutMs: number;
  /** Idle time after which a socket is closed (Node `server.timeout`). */
  connectionTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Strict-Transport-Security max-age; 0 sends no header (TLS usually ends at the proxy). */
  hstsMaxAgeSeconds: number;
  /** Log one line per request (off by default: metrics count requests more cheaply). */
  logRequests: boolean;
  /** Ingest requests one process works on at once (0: no limit); see concurrency-gate.ts. */
  maxInProgress: number;
  /** How long a request may wait for its turn before a 503 + Retry-After. */
  maxQueueWaitMs: number;
}

/** What proxy-addr (Fastify's trustProxy) understands: an IP, a CIDR range, or a named range. */
function isTrustedProxyEntry(entry: string): boolean {
  if (["loopback", "linklocal", "uniquelocal"].includes(entry)) return true;
  const [address = "", prefix, extra] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/** Requests in progress per process past which new ones wait (measured: bench/README.md, "Overload"). */
const DEFAULT_MAX_IN_PROGRESS = 64;

const ORIGIN = /^https?:\/\/[^/\s|]+$/;
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** An origin allow-list entry: `*` or scheme://host[:port], exactly as browsers send Origin. */
export const isOriginPattern = (origin: string) => origin === "*" || ORIGIN.test(origin);

export function readHttpSettings(env: Env, problems: string[]): HttpSettings {
  const { integer, flag, list } = createEnvReader(env, problems);
  const rateLimit = (prefix: string, what: string): RateLimitSetting | undefined => {
    const perSecond = integer(`${prefix}_PER_SECOND`, 0, 0, 10_000_000);
    const burst = integer(`${prefix}_BURST`, perSecond * 2, 1, 100_000_000);
    if (perSecond === 0) return undefined;
    if (burst < perSecond) problems.push(`${prefix}_BURST must be at least ${prefix}_PER_SECOND (${what})`);
    return { perSecond, burst };
  };

  const sourceOrigins = new Map<string, string[]>();
  for (const entry of list("COLLECTOR_SOURCE_ORIGINS")) {
    const [source, list, extra] = entry.split("=");
    const origins = (list ?? "")
      .split("|")
      .map((o) => o.trim())
      .filter(Boolean);
    if (!source || extra !== undefined || origins.length === 0) {
      problems.push(`COLLECTOR_SOURCE_ORIGINS entry "${entry}" must be sourceId=origin|origin...`);
      continue;
    }
    const bad = origins.filter((o) => !isOriginPattern(o));
    if (bad.length > 0) {
      problems.push(
        `COLLECTOR_SOURCE_ORIGINS origins ${bad.map((o) => `"${o}"`).join(", ")} must be * or scheme://host[:port]`,
      );
      continue;
    }
    if (sourceOrigins.has(source)) problems.push(`COLLECTOR_SOURCE_ORIGINS lists source "${source}" twice`);
    sourceOrigins.set(source, origins);
  }

  for (const entry of list("COLLECTOR_TRUST_PROXY")) {
    if (!isTrustedProxyEntry(entry)) {
      problems.push(
        `COLLECTOR_TRUST_PROXY entry "${entry}" must be an IP address, a CIDR range, loopback, linklocal or uniquelocal`,
      );
    }
  }

  const logLevel = env.COLLECTOR_LOG_LEVEL?.trim();
  if (logLevel && !LOG_LEVELS.includes(logLevel)) {
    problems.push(`COLLECTOR_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")} (got "${logLevel}")`);
  }

  return {
    sourceOrigins,
    maxJsonDepth: integer("COLLECTOR_MAX_JSON_DEPTH", 32, 4, 1000),
    ipRateLimit: rateLimit("COLLECTOR_RATE_LIMIT_IP", "requests per second per client IP"),
    writeKeyRateLimit: rateLimit("COLLECTOR_RATE_LIMIT_WRITE_KEY", "events per second per write key"),
    rateLimitMaxClients: integer("COLLECTOR_RATE_LIMIT_MAX_CLIENTS", 100_000, 100, 10_000_000),
    requestTimeoutMs: integer("COLLECTOR_REQUEST_TIMEOUT_MS", 10_000, 100, 600_000),
    connectionTimeoutMs: integer("COLLECTOR_CONNECTION_TIMEOUT_MS", 60_000, 1000, 3_600_000),
    keepAliveTimeoutMs: integer("COLLECTOR_KEEP_ALIVE_TIMEOUT_MS", 72_000, 1000, 3_600_000),
    hstsMaxAgeSeconds: integer("COLLECTOR_HSTS_MAX_AGE_SECONDS", 0, 0, 2 * 365 * 24 * 3600),
    logRequests: flag("COLLECTOR_LOG_REQUESTS", false),
    maxInProgress: integer("COLLECTOR_MAX_IN_PROGRESS", DEFAULT_MAX_IN_PROGRESS, 0, 100_000),
    maxQueueWaitMs: integer("COLLECTOR_MAX_QUEUE_WAIT_MS", 1000, 1, 600_000),
  };
}

/** Checks that need the whole configuration: settings that refer to each other. */
export function crossCheckHttpSettings(config: HttpSettings & { publishTimeoutMs: number }): string[] {
  const problems: string[] = [];
  if (config.maxQueueWaitMs >= config.publishTimeoutMs) {
    problems.push(
      "COLLECTOR_MAX_QUEUE_WAIT_MS must be shorter than COLLECTOR_PUBLISH_TIMEOUT_MS: a request's wait for its turn and for Kafka must fit in what a client waits for",
    );
  }
  if (config.connectionTimeoutMs <= config.publishTimeoutMs) {
    problems.push(
      "COLLECTOR_CONNECTION_TIMEOUT_MS must be longer than COLLECTOR_PUBLISH_TIMEOUT_MS, or sockets close while a request waits for Kafka",
    );
  }
  return problems;
}
