import { randomUUID } from "node:crypto";

export type Env = Readonly<Record<string, string | undefined>>;

/** The dashboard's settings, read from the environment once at start-up; every problem is listed at once. */
export interface DashboardConfig {
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly metricsTopic: string;
    readonly alertsTopic: string;
    /**
     * Each dashboard process reads both topics from the start in a group of its own: it keeps no state
     * on disk, so a restart must rebuild the last hour (and the latest alerts) from the topics.
     */
    readonly groupId: string;
  };
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly windowMinutes: number;
  readonly maxAlerts: number;
}

export class ConfigError extends Error {
  readonly code = "DASHBOARD_BAD_CONFIG";
  constructor(readonly problems: readonly string[]) {
    super(`invalid dashboard configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/** sysexits.h EX_CONFIG, as the collector and order-hold use. */
export const EXIT_BAD_CONFIG = 78;

export const DEFAULTS = {
  brokers: "127.0.0.1:19092",
  metricsTopic: "metrics.live",
  alertsTopic: "alerts.fraud",
  host: "127.0.0.1",
  port: 18081,
  windowMinutes: 60,
  maxAlerts: 50,
} as const;

const KAFKA_NAME = /^[A-Za-z0-9._-]{1,249}$/;

export function loadConfig(env: Env = process.env): DashboardConfig {
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
  const topicName = (name: string, fallback: string) => {
    const topic = text(name) ?? fallback;
    if (!KAFKA_NAME.test(topic)) problems.push(`${name} "${topic}" is not a valid topic name`);
    return topic;
  };

  const brokers = (text("KAFKA_BROKERS") ?? DEFAULTS.brokers)
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) problems.push("KAFKA_BROKERS must list at least one host:port");
  for (const broker of brokers) {
    if (!/^[^\s:]+:\d+$/.test(broker)) problems.push(`KAFKA_BROKERS entry "${broker}" must be host:port`);
  }
  const metricsTopic = topicName("KAFKA_TOPIC_METRICS", DEFAULTS.metricsTopic);
  const alertsTopic = topicName("KAFKA_TOPIC_FRAUD", DEFAULTS.alertsTopic);
  const groupId = text("DASHBOARD_GROUP_ID") ?? `shop-dashboard-${randomUUID()}`;
  if (!KAFKA_NAME.test(groupId)) {
    problems.push(`DASHBOARD_GROUP_ID "${groupId}" may only use letters, digits, ".", "_" and "-"`);
  }
  const host = text("DASHBOARD_HOST") ?? DEFAULTS.host;
  const config: DashboardConfig = {
    kafka: { brokers, metricsTopic, alertsTopic, groupId },
    host,
    port: integer("DASHBOARD_PORT", DEFAULTS.port, 0, 65_535),
    windowMinutes: integer("DASHBOARD_WINDOW_MINUTES", DEFAULTS.windowMinutes, 1, 24 * 60),
    maxAlerts: integer("DASHBOARD_MAX_ALERTS", DEFAULTS.maxAlerts, 1, 1_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
