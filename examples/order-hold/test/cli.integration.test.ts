import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Admin, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_BAD_CONFIG } from "../src/config.js";
import { fraudAlert } from "./support/alerts.js";
import { brokers, env, requireKafka, testKafka, uniqueId, until } from "./support/stack.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const tsx = join(packageDir, "../../node_modules/.bin/tsx");

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** The CLI from source, with only the given ORDER_HOLD_* settings (none leak in from the caller). */
function startCli(settings: Record<string, string>): Running {
  const childEnv = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("ORDER_HOLD_")));
  const child = spawn(tsx, ["src/cli.ts"], {
    cwd: packageDir,
    env: { ...childEnv, ...settings },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

let admin: Admin;
let producer: Producer;
let stateDir: string;
const topics: string[] = [];

beforeAll(async () => {
  await requireKafka();
  const kafka = testKafka("order-hold-cli-it");
  admin = kafka.admin();
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await Promise.all([admin.connect(), producer.connect()]);
  stateDir = await mkdtemp(join(tmpdir(), "order-hold-cli-"));
});

afterAll(async () => {
  if (topics.length > 0) await admin?.deleteTopics({ topics }).catch(() => undefined);
  await Promise.all([producer?.disconnect(), admin?.disconnect()]);
  await rm(stateDir, { recursive: true, force: true });
});

describe("shop-order-hold (the CLI)", () => {
  // Spawns tsx: its start-up alone can take seconds on a busy 2-core machine.
  it("exits 78 with every bad setting named, before connecting", async () => {
    const cli = startCli({ ORDER_HOLD_MIN_SCORE: "high", ORDER_HOLD_WEBHOOK_URL: "not a url" });
    expect(await cli.exited).toBe(EXIT_BAD_CONFIG);
    expect(cli.stderr()).toContain("invalid order-hold configuration");
    expect(cli.stderr()).toContain("ORDER_HOLD_MIN_SCORE");
    expect(cli.stderr()).toContain("ORDER_HOLD_WEBHOOK_URL");
  });

  it("without a webhook URL, holds through the built-in local shop, prints it, ignores a duplicate alert, and stops on SIGTERM", async () => {
    const topic = uniqueId("order-hold-cli-it");
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    topics.push(topic);
    const alert = fraudAlert({ eventId: `evt-${topic}`, orderId: "order-cli" });
    const replay = { ...alert, alertTs: "2026-11-28T15:30:00.000Z" };
    await producer.send({
      topic,
      acks: -1,
      messages: [alert, replay].map((a) => ({ key: a.alertId, value: JSON.stringify(a) })),
    });

    const cli = startCli({
      KAFKA_BROKERS: brokers.join(","),
      KAFKA_TOPIC_FRAUD: topic,
      ORDER_HOLD_GROUP_ID: uniqueId("order-hold-cli-group"),
      ORDER_HOLD_STATE_DIR: stateDir,
    });
    try {
      await until("the replayed alert to be recognised", () => cli.stderr().includes("not sending again"), 40_000);
      cli.child.kill("SIGTERM");
      expect(await cli.exited).toBe(0);
    } finally {
      cli.child.kill("SIGKILL");
    }
    const placed = cli
      .stdout()
      .split("\n")
      .filter((line) => line.includes("hold placed"));
    expect(placed).toEqual([
      `[local shop] hold placed alert=${alert.alertId} order=order-cli score=87.5 reasons=card_testing.distinct_cards,velocity.orders`,
    ]);
    expect(cli.stdout()).not.toContain("duplicate ignored");
    const stoppedLine = cli
      .stderr()
      .split("\n")
      .find((line) => line.includes("order-hold consumer stopped"));
    expect(JSON.parse(stoppedLine ?? "{}")).toMatchObject({ held: 1, duplicate: 1, malformed: 0 });
  }, 60_000);
});
