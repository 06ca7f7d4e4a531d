import { homedir } from "node:os";
import { join, resolve } from "node:path";

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The consumer's settings, read from the environment once at start-up. Anything wrong stops the
 * process before it connects, with one message that lists every problem (exit code 78, EX_CONFIG).
 */
export interface OrderHoldConfig {
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly topic: string;
    readonly groupId: string;
    /** Where a group without committed offsets starts: the earliest offset (true) or the end. */
    readonly fromBeginning: boolean;
  };
  /** The shop's hold endpoint; undefined starts the built-in local shop and sends holds there. */
  readonly webhookUrl: string | undefined;
  /** Port of the built-in local shop on 127.0.0.1 (0 = any free port); only used without a webhook URL. */
  readonly localWebhookPort: number;
  /** Signs every request (HMAC-SHA256, `Shop-Signature` header) when set. */
  readonly webhookSecret: string | undefined;
  readonly webhookTimeoutMs: number;
  readonly retry: { readonly initialMs: number; readonly maxMs: number };
  /** Alerts scoring below this are skipped (logged, committed); undefined holds every alert. */
  readonly minScore: number | undefined;
  /** Holds the handled alert ids and the dead-letter file; one directory per running consumer. */
  readonly stateDir: string;
  /** How many handled alert ids the state keeps (the oldest are forgotten first). */
  readonly dedupCapacity: number;
}

/** One or more settings are wrong; `problems` names each variable and what it must be. */
export class ConfigError extends Error {
  readonly code = "ORDER_HOLD_BAD_CONFIG";
  constructor(readonly problems: readonly string[]) {
    super(`invalid order-hold configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/** Exit code for a bad configuration (sysexits.h EX_CONFIG), as the collector uses. */
export const EXIT_BAD_CONFIG = 78;

export const DEFAULTS = {
  brokers: "127.0.0.1:19092",
  topic: "alerts.fraud",
  groupId: "shop-order-hold",
  webhookTimeoutMs: 10_000,
  retryInitialMs: 500,
  retryMaxMs: 30_000,
  dedupCapacity: 100_000,
} as const;

// Kafka's own rule for topic and group names we also use in a path: letters, digits, ".", "_", "-".
const KAFKA_NAME = /^[A-Za-z0-9._-]{1,249}$/;
const MIN_SECRET_LENGTH = 16;

/** $XDG_STATE_HOME/shop-order-hold/<group>, else ~/.local/state/shop-order-hold/<group>. */
function defaultStateDir(env: Env, groupId: string): string {
  const base = env.XDG_STATE_HOME?.trim() || join(homedir(), ".local", "state");
  return join(base, "shop-order-hold", groupId);
}

export function loadConfig(env: Env = process.env): OrderHoldConfig {
  const problems: string[] = [];
  const text = (name: string): string | undefined => env[name]?.trim() || undefined;

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };

  const flag = (name: string, fallback: boolean): boolean => {
    const raw = text(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (["1", "true", "yes", "on"].includes(raw)) return true;
    if (["0", "false", "no", "off"].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${env[name]}")`);
    return fallback;
  };

  const brokers = (text("KAFKA_BROKERS") ?? DEFAULTS.brokers)
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) problems.push("KAFKA_BROKERS must list at least one host:port");
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d+$/.test(broker)) problems.push(`KAFKA_BROKERS entry "${broker}" must be host:port`);
  }

  const topic = text("KAFKA_TOPIC_FRAUD") ?? DEFAULTS.topic;
  if (!KAFKA_NAME.test(topic)) problems.push(`KAFKA_TOPIC_FRAUD "${topic}" is not a valid topic name`);
  const groupId = text("ORDER_HOLD_GROUP_ID") ?? DEFAULTS.groupId;
  if (!KAFKA_NAME.test(groupId)) {
    problems.push(`ORDER_HOLD_GROUP_ID "${groupId}" may only use letters, digits, ".", "_" and "-"`);
  }

  let webhookUrl = text("ORDER_HOLD_WEBHOOK_URL");
  if (webhookUrl !== undefined) {
    let protocol = "";
    try {
      protocol = new URL(webhookUrl).protocol;
    } catch {
      // reported below
    }
    if (protocol !== "http:" && protocol !== "https:") {
      problems.push(`ORDER_HOLD_WEBHOOK_URL must be an http:// or https:// URL (got "${webhookUrl}")`);
      webhookUrl = undefined;
    }
  }

  const webhookSecret = text("ORDER_HOLD_WEBHOOK_SECRET");
  if (webhookSecret !== undefined && webhookSecret.length < MIN_SECRET_LENGTH) {
    problems.push(`ORDER_HOLD_WEBHOOK_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }

  let minScore: number | undefined;
  const rawMinScore = text("ORDER_HOLD_MIN_SCORE");
  if (rawMinScore !== undefined) {
    minScore = Number(rawMinScore);
    if (!Number.isFinite(minScore) || minScore < 0 || minScore > 100) {
      problems.push(`ORDER_HOLD_MIN_SCORE must be a number from 0 to 100 (got "${rawMinScore}")`);
      minScore = undefined;
    }
  }

  const retry = {
    initialMs: integer("ORDER_HOLD_RETRY_INITIAL_MS", DEFAULTS.retryInitialMs, 1, 60_000),
    maxMs: integer("ORDER_HOLD_RETRY_MAX_MS", DEFAULTS.retryMaxMs, 1, 600_000),
  };
  if (retry.initialMs > retry.maxMs) {
    problems.push("ORDER_HOLD_RETRY_INITIAL_MS must not exceed ORDER_HOLD_RETRY_MAX_MS");
  }

  const config: OrderHoldConfig = {
    kafka: { brokers, topic, groupId, fromBeginning: flag("ORDER_HOLD_FROM_BEGINNING", true) },
    webhookUrl,
    localWebhookPort: integer("ORDER_HOLD_LOCAL_WEBHOOK_PORT", 0, 0, 65_535),
    webhookSecret,
    // Capped below kafkajs' 30 s session timeout: one slow call must not cost the group membership.
    webhookTimeoutMs: integer("ORDER_HOLD_WEBHOOK_TIMEOUT_MS", DEFAULTS.webhookTimeoutMs, 100, 20_000),
    retry,
    minScore,
    stateDir: resolve(text("ORDER_HOLD_STATE_DIR") ?? defaultStateDir(env, groupId)),
    dedupCapacity: integer("ORDER_HOLD_DEDUP_CAPACITY", DEFAULTS.dedupCapacity, 100, 10_000_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
