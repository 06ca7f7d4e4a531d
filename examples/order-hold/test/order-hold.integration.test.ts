import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FraudAlert } from "@shop/event-schema";
import type { Admin, Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOrderHold } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import type { AlertRecord, RecordOutcome } from "../src/core/handle-record.js";
import { verifySignature } from "../src/core/signature.js";
import { DEAD_LETTER_FILE } from "../src/io/dead-letter-file.js";
import { HANDLED_ALERTS_FILE } from "../src/io/handled-alert-log.js";
import { silentLogger } from "../src/logger.js";
import { fraudAlert } from "./support/alerts.js";
import { type ReceivedRequest, startTestServer, type TestServer } from "./support/http.js";
import { brokers, committedOffsets, endOffsets, requireKafka, testKafka, uniqueId, until } from "./support/stack.js";

const secret = "whsec_integration_0123456789";
let admin: Admin;
let producer: Producer;
const topics: string[] = [];
const dirs: string[] = [];
const servers: TestServer[] = [];

beforeAll(async () => {
  await requireKafka();
  const kafka = testKafka("order-hold-it");
  admin = kafka.admin();
  producer = kafka.producer({ allowAutoTopicCreation: false });
  await Promise.all([admin.connect(), producer.connect()]);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  if (topics.length > 0) await admin?.deleteTopics({ topics }).catch(() => undefined);
  await Promise.all([producer?.disconnect(), admin?.disconnect()]);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function createTopic(numPartitions: number): Promise<string> {
  const topic = uniqueId("order-hold-it");
  await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: true });
  topics.push(topic);
  return topic;
}

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "order-hold-it-"));
  dirs.push(dir);
  return dir;
}

/** What the consumer would read from the environment, pointed at this test's topic, group, state and webhook. */
const configFor = (topic: string, groupId: string, dir: string, webhookUrl: string) =>
  loadConfig({
    KAFKA_BROKERS: brokers.join(","),
    KAFKA_TOPIC_FRAUD: topic,
    ORDER_HOLD_GROUP_ID: groupId,
    ORDER_HOLD_WEBHOOK_URL: webhookUrl,
    ORDER_HOLD_WEBHOOK_SECRET: secret,
    ORDER_HOLD_STATE_DIR: dir,
    ORDER_HOLD_RETRY_INITIAL_MS: "50",
    ORDER_HOLD_RETRY_MAX_MS: "200",
  });

const alertRecord = (alert: FraudAlert, partition: number) => ({
  partition,
  key: alert.alertId,
  value: JSON.stringify(alert),
});

const keyOf = (request: ReceivedRequest) => String(request.headers["idempotency-key"]);
const accepted = (requests: ReceivedRequest[]) => requests.filter((r) => r.status >= 200 && r.status < 300);

class SimulatedCrash extends Error {}

describe("order-hold against the real local Kafka broker and a real HTTP webhook", () => {
  it("places exactly one hold per alert id through a 503, a duplicate alert, malformed records and a crash before commit", async () => {
    const topic = await createTopic(2);
    const groupId = uniqueId("order-hold-it-group");
    const dir = await stateDir();
    const holds = [1, 2, 3, 4, 5].map((n) => fraudAlert({ eventId: `evt-${topic}-${n}`, orderId: `order-${n}` }));
    const [a1, a2, a3, a4, a5] = holds as [FraudAlert, FraudAlert, FraudAlert, FraudAlert, FraudAlert];
    const refused = fraudAlert({ eventId: `evt-${topic}-refused`, orderId: "order-refused" });
    // The job replayed a1 after a crash: same alert id, later alert time, a later offset.
    const replayOfA1 = { ...a1, alertTs: "2026-11-28T15:09:59.000Z" };
    await producer.send({
      topic,
      acks: -1,
      messages: [
        alertRecord(a1, 0),
        alertRecord(a3, 0),
        { partition: 0, key: "garbage", value: "not json at all" },
        alertRecord(a5, 0),
        alertRecord(replayOfA1, 0),
        alertRecord(a2, 1),
        { partition: 1, key: "bad", value: JSON.stringify({ v: 1, alertId: "not-an-id" }) },
        alertRecord(a4, 1),
        alertRecord(refused, 1),
      ],
    });
    const ends = await endOffsets(admin, topic);
    const total = [...ends.values()].reduce((sum, end) => sum + end, 0);
    expect(total).toBe(9);

    // The shop: the first call finds it unavailable; it refuses the hold for an order it does not know.
    const shop = await startTestServer((request, index) => {
      if (index === 0) return { status: 503, body: "warming up" };
      const body = JSON.parse(request.body) as { orderId: string };
      return body.orderId === "order-refused" ? { status: 422, body: "unknown order" } : { status: 200 };
    });
    servers.push(shop);
    const config = configFor(topic, groupId, dir, shop.url);
    const outcomes: RecordOutcome[] = [];

    // Run 1 "crashes" right after its third hold is placed and its id recorded, before the commit.
    let crashedAt: AlertRecord | undefined;
    const crashing = runOrderHold(config, {
      logger: silentLogger,
      print: () => undefined,
      onRecord: (outcome, record) => {
        outcomes.push(outcome);
        if (outcome.kind === "held" && outcomes.filter((o) => o.kind === "held").length === 3) {
          crashedAt = record;
          throw new SimulatedCrash("crash between the hold and the commit");
        }
      },
    });
    await expect(crashing).rejects.toBeInstanceOf(SimulatedCrash);
    if (!crashedAt) throw new Error("the first run did not reach its third hold");
    const afterCrash = await committedOffsets(admin, groupId, topic);
    // The record the crash interrupted was not committed, and neither was anything after it.
    expect(afterCrash.get(crashedAt.partition) ?? -1).toBeLessThanOrEqual(Number(crashedAt.offset));
    const left = [...ends].reduce((sum, [p, end]) => sum + end - Math.max(afterCrash.get(p) ?? 0, 0), 0);
    expect(left).toBeGreaterThan(0);

    // Run 2: same group, same state directory; stops once it has finished every record left.
    const controller = new AbortController();
    let seenInRun2 = 0;
    const summary = await runOrderHold(config, {
      logger: silentLogger,
      print: () => undefined,
      signal: controller.signal,
      onRecord: (outcome) => {
        outcomes.push(outcome);
        seenInRun2 += 1;
        if (seenInRun2 === left) controller.abort();
      },
    });
    expect(await committedOffsets(admin, groupId, topic)).toEqual(ends);

    // Exactly one accepted hold per distinct alert id: none lost, none sent twice.
    const ids = holds.map((a) => a.alertId).sort();
    expect(accepted(shop.requests).map(keyOf).sort()).toEqual(ids);
    // Every call: 5 holds, the one 503 (retried, not skipped) and the one refused hold; nothing else.
    expect(shop.requests).toHaveLength(7);
    expect(shop.requests[0]?.status).toBe(503);
    expect(accepted(shop.requests).map(keyOf)).toContain(keyOf(shop.requests[0] as ReceivedRequest));
    expect(shop.requests.filter((r) => keyOf(r) === refused.alertId).map((r) => r.status)).toEqual([422]);
    for (const request of shop.requests) {
      const now = Math.floor(Date.now() / 1000);
      expect(verifySignature(secret, request.headers["shop-signature"] as string, request.body, now)).toEqual({
        ok: true,
      });
    }
    const bodyOfA2 = JSON.parse(accepted(shop.requests).find((r) => keyOf(r) === a2.alertId)?.body ?? "{}");
    expect(bodyOfA2).toEqual({
      orderId: "order-2",
      checkoutId: "checkout-1",
      alertId: a2.alertId,
      score: a2.score,
      reasons: a2.reasons.map(({ code, text }) => ({ code, text })),
      ruleVersion: a2.ruleVersion,
      eventTs: a2.eventTs,
    });

    // Outcomes over both runs: the crashed record came back and was recognised, as was the replay of a1.
    const tally = (kind: RecordOutcome["kind"]) => outcomes.filter((o) => o.kind === kind).length;
    expect({
      held: tally("held"),
      duplicate: tally("duplicate"),
      malformed: tally("malformed"),
      dead_lettered: tally("dead_lettered"),
    }).toEqual({ held: 5, duplicate: 2, malformed: 2, dead_lettered: 1 });
    expect(outcomes).toHaveLength(total + 1);
    expect(outcomes.filter((o) => o.kind === "duplicate").map((o) => (o as { alertId: string }).alertId)).toContain(
      a1.alertId,
    );
    expect(summary.counts.duplicate).toBeGreaterThanOrEqual(1);
    expect(
      summary.counts.held + summary.counts.duplicate + summary.counts.malformed + summary.counts.dead_lettered,
    ).toBe(left);

    const deadLetters = (await readFile(join(dir, DEAD_LETTER_FILE), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ alertId: refused.alertId, status: 422, topic, partition: 1 });
    const handledIds = (await readFile(join(dir, HANDLED_ALERTS_FILE), "utf8")).trim().split("\n").sort();
    expect(handledIds).toEqual(ids);
  });

  it("blocks the partition while the webhook fails, commits nothing on a stop mid-retry, and delivers after a restart", async () => {
    const topic = await createTopic(1);
    const groupId = uniqueId("order-hold-it-group");
    const dir = await stateDir();
    const [b1, b2] = [1, 2].map((n) => fraudAlert({ eventId: `evt-${topic}-${n}`, orderId: `order-b${n}` })) as [
      FraudAlert,
      FraudAlert,
    ];
    await producer.send({ topic, acks: -1, messages: [alertRecord(b1, 0), alertRecord(b2, 0)] });
    let down = true;
    const shop = await startTestServer(() => (down ? { status: 503 } : { status: 200 }));
    servers.push(shop);
    const config = configFor(topic, groupId, dir, shop.url);

    const controller = new AbortController();
    const outcomes: RecordOutcome[] = [];
    const run1 = runOrderHold(config, {
      logger: silentLogger,
      print: () => undefined,
      signal: controller.signal,
      onRecord: (outcome) => {
        outcomes.push(outcome);
      },
    });
    await until("four failed attempts", () => shop.requests.length >= 4);
    // Retried, never skipped: b2 waits behind b1.
    expect(new Set(shop.requests.map(keyOf))).toEqual(new Set([b1.alertId]));
    const stopping = Date.now();
    controller.abort();
    expect((await run1).counts).toEqual({ held: 0, duplicate: 0, dead_lettered: 0, malformed: 0, skipped: 0 });
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(outcomes).toEqual([]);
    expect((await committedOffsets(admin, groupId, topic)).get(0)).toBe(-1);

    down = false;
    const restart = new AbortController();
    const summary = await runOrderHold(config, {
      logger: silentLogger,
      print: () => undefined,
      signal: restart.signal,
      onRecord: (outcome) => {
        outcomes.push(outcome);
        if (outcomes.length === 2) restart.abort();
      },
    });
    expect(summary.counts).toMatchObject({ held: 2, duplicate: 0 });
    expect(accepted(shop.requests).map(keyOf)).toEqual([b1.alertId, b2.alertId]);
    expect((await committedOffsets(admin, groupId, topic)).get(0)).toBe(2);
  });
});
