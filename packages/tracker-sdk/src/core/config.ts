import { TrackerError } from "./errors.js";
import type { Plugin } from "./plugins.js";

/** Whether the visitor allows tracking. "pending": nothing is sent or stored until it is decided. */
export type Consent = "granted" | "denied" | "pending";

/**
 * Checks a consent value: anything else throws a TrackerError "invalid_consent" naming the accepted
 * values. A typo such as "yes" must fail where it is written, not hold the events silently forever.
 */
export function checkConsent(value: Consent): Consent {
  if (value === "granted" || value === "denied" || value === "pending") return value;
  throw new TrackerError("invalid_consent", `consent ${value}: not "granted", "denied" or "pending"`);
}

/** Public options; all but the write key and host are optional with the documented defaults. */
export interface TrackerOptions {
  /** The source's write key. */
  writeKey: string;
  /** Collector base URL, e.g. https://collect.example.com. */
  host: string;
  /** Send when this many events are queued. @default 20 */
  flushAt?: number;
  /** Send queued events at least this often, in ms. @default 5000 */
  flushIntervalMs?: number;
  /** Largest batch body in bytes; must stay under the collector's 500 KB batch limit. @default 450000 (browser: 60000, so a batch fits a keepalive request) */
  maxBatchBytes?: number;
  /** Retries of one batch before it is dropped (and counted). Failures while offline do not count. @default 10 */
  maxRetries?: number;
  /** Most events kept queued; the oldest go first. @default 10000 */
  maxQueueEvents?: number;
  /** Most bytes (serialized) kept queued; the oldest go first. @default 5000000 */
  maxQueueBytes?: number;
  /** Queued events older than this are dropped, in ms. @default 604800000 (7 days) */
  maxQueueAgeMs?: number;
  /** A session ends after this much inactivity, in ms. @default 1800000 (30 minutes) */
  sessionTimeoutMs?: number;
  /**
   * Consent when the visitor has not decided yet (a decision passed to setConsent is remembered). The
   * browser starts from "denied" when the visitor sends Global Privacy Control. @default "granted"
   */
  consent?: Consent;
  /**
   * An anonymous id to start with, e.g. the one the server already used for this visitor; it replaces the
   * stored one. Same as calling setAnonymousId first.
   */
  anonymousId?: string;

  /** Before-send hooks, run in order on every event. @default [] */
  plugins?: Plugin[];
  /** Told about failures the SDK absorbed (a throwing plugin, a dropped batch, degraded storage). */
  onError?: (error: TrackerError) => void;
  /** Prefix of the keys and databases the SDK stores under. @default "shop_tracker" */
  storagePrefix?: string;
  /** Library name and version sent in context.library. */
  library?: { name: string; version: string };
}

export const VERSION = "0.1.0";

type Optional = "onError" | "anonymousId";

export type ResolvedConfig = Required<Omit<TrackerOptions, Optional | "host">> &
  Pick<TrackerOptions, Optional> & {
    /** The batch endpoint. */
    url: string;
  };

/** Resolves the options once into a complete config; an option left undefined takes its default. */
export function resolveConfig(options: TrackerOptions): ResolvedConfig {
  const config = {
    flushAt: 20,
    flushIntervalMs: 5000,
    maxBatchBytes: 450_000,
    maxRetries: 10,
    maxQueueEvents: 10_000,
    maxQueueBytes: 5_000_000,
    maxQueueAgeMs: 7 * 86_400_000,
    sessionTimeoutMs: 1_800_000,
    consent: "granted",
    plugins: [],
    storagePrefix: "shop_tracker",
    library: { name: "@shop/tracker", version: VERSION },
    url: `${options.host.replace(/\/+$/, "")}/v1/batch`,
  } as unknown as ResolvedConfig & Record<string, unknown>;
  for (const key in options) {
    const value = options[key as keyof TrackerOptions];
    if (value !== undefined) config[key] = value;
  }
  // The collector refuses bodies over 500 KB; a batch holds at least one event.
  config.maxBatchBytes = Math.min(config.maxBatchBytes, 500_000);
  config.flushAt = Math.max(config.flushAt, 1);
  return config;
}
