import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
};

describe("configuration from the environment", () => {
  it("has defaults for the local stack, and no webhook URL (the built-in local shop)", () => {
    expect(loadConfig({})).toEqual({
      kafka: { brokers: ["127.0.0.1:19092"], topic: "alerts.fraud", groupId: "shop-order-hold", fromBeginning: true },
      webhookUrl: undefined,
      localWebhookPort: 0,
      webhookSecret: undefined,
      webhookTimeoutMs: 10_000,
      retry: { initialMs: 500, maxMs: 30_000 },
      minScore: undefined,
      stateDir: join(homedir(), ".local", "state", "shop-order-hold", "shop-order-hold"),
      dedupCapacity: 100_000,
    });
  });

  it("reads every setting", () => {
    const config = loadConfig({
      KAFKA_BROKERS: "k1:9092, k2:9093",
      KAFKA_TOPIC_FRAUD: "alerts.fraud.v1",
      ORDER_HOLD_GROUP_ID: "holds-eu",
      ORDER_HOLD_FROM_BEGINNING: "no",
      ORDER_HOLD_WEBHOOK_URL: "https://shop.example/webhooks/holds",
      ORDER_HOLD_WEBHOOK_SECRET: "whsec_0123456789abcdef",
      ORDER_HOLD_WEBHOOK_TIMEOUT_MS: "5000",
      ORDER_HOLD_LOCAL_WEBHOOK_PORT: "18090",
      ORDER_HOLD_RETRY_INITIAL_MS: "100",
      ORDER_HOLD_RETRY_MAX_MS: "60000",
      ORDER_HOLD_MIN_SCORE: "72.5",
      ORDER_HOLD_STATE_DIR: "/var/lib/order-hold",
      ORDER_HOLD_DEDUP_CAPACITY: "5000",
    });
    expect(config).toEqual({
      kafka: { brokers: ["k1:9092", "k2:9093"], topic: "alerts.fraud.v1", groupId: "holds-eu", fromBeginning: false },
      webhookUrl: "https://shop.example/webhooks/holds",
      localWebhookPort: 18090,
      webhookSecret: "whsec_0123456789abcdef",
      webhookTimeoutMs: 5000,
      retry: { initialMs: 100, maxMs: 60_000 },
      minScore: 72.5,
      stateDir: "/var/lib/order-hold",
      dedupCapacity: 5000,
    });
  });

  it("puts the state under XDG_STATE_HOME, per group, when no state dir is given", () => {
    expect(loadConfig({ XDG_STATE_HOME: "/tmp/state", ORDER_HOLD_GROUP_ID: "g1" }).stateDir).toBe(
      "/tmp/state/shop-order-hold/g1",
    );
  });

  it("lists every problem at once, each naming its variable", () => {
    const problems = problemsOf({
      KAFKA_BROKERS: "localhost",
      KAFKA_TOPIC_FRAUD: "alerts/fraud",
      ORDER_HOLD_GROUP_ID: "../escape",
      ORDER_HOLD_WEBHOOK_URL: "ftp://shop.example/holds",
      ORDER_HOLD_WEBHOOK_SECRET: "short",
      ORDER_HOLD_WEBHOOK_TIMEOUT_MS: "60000",
      ORDER_HOLD_MIN_SCORE: "high",
      ORDER_HOLD_FROM_BEGINNING: "maybe",
      ORDER_HOLD_DEDUP_CAPACITY: "10",
    });
    expect(problems).toHaveLength(9);
    for (const name of [
      "KAFKA_BROKERS",
      "KAFKA_TOPIC_FRAUD",
      "ORDER_HOLD_GROUP_ID",
      "ORDER_HOLD_WEBHOOK_URL",
      "ORDER_HOLD_WEBHOOK_SECRET",
      "ORDER_HOLD_WEBHOOK_TIMEOUT_MS",
      "ORDER_HOLD_MIN_SCORE",
      "ORDER_HOLD_FROM_BEGINNING",
      "ORDER_HOLD_DEDUP_CAPACITY",
    ]) {
      expect(
        problems.some((p) => p.startsWith(name)),
        name,
      ).toBe(true);
    }
  });

  it("checks settings against each other", () => {
    expect(problemsOf({ ORDER_HOLD_RETRY_INITIAL_MS: "5000", ORDER_HOLD_RETRY_MAX_MS: "1000" })).toEqual([
      "ORDER_HOLD_RETRY_INITIAL_MS must not exceed ORDER_HOLD_RETRY_MAX_MS",
    ]);
  });

  it("has a message that lists the problems, for the exit-78 path", () => {
    const error = new ConfigError(["A is wrong", "B is wrong"]);
    expect(error.message).toBe("invalid order-hold configuration:\n  - A is wrong\n  - B is wrong");
  });
});
