/**
 * Browser shoppers on the real thing: the CLI with --storefront and --browser-shoppers 2 against a real
 * collector (Kafka topics of the run's own) and the storefront built and served by next start, shopped in
 * headless Debian Chromium. Every event a page sent and the collector accepted must be in the raw topic, in
 * the acks file, and belong to a `shopper` case of the labels file. Needs the stack (make up) and a build.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { CollectedEvent } from "@shop/event-schema";
import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The end-to-end suite's real collector and storefront (next build + next start), not copies of them.
import { startCollector, type TestCollector } from "../../../tests/e2e/test/support/collector.js";
import { stackEnv } from "../../../tests/e2e/test/support/stack-env.js";
import { startStorefront, type TestStorefront } from "../../../tests/e2e/test/support/storefront.js";
import { readAcks, readLabels } from "../src/labels.js";
import type { LoadReport } from "../src/simulate.js";
import { readTopic } from "../src/topic-reader.js";

const run = promisify(execFile);
const env = stackEnv();
const runId = randomUUID().slice(0, 8);
const rawTopic = `lg-browser-${runId}.raw`;
const invalidTopic = `lg-browser-${runId}.invalid`;
const sourceId = `lg-browser-${runId}`;
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "shop-browser-shoppers-"));
const kafka = new Kafka({ clientId: sourceId, brokers: env.KAFKA_BROKERS.split(","), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const cleanup: Array<() => Promise<unknown>> = [];
let collector: TestCollector;
let storefront: TestStorefront;

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: rawTopic, numPartitions: 3 },
      { topic: invalidTopic, numPartitions: 1 },
    ],
    waitForLeaders: true,
  });
  cleanup.push(() => admin.deleteTopics({ topics: [rawTopic, invalidTopic] }).catch(() => undefined));
  collector = await startCollector(env, { raw: rawTopic, invalid: invalidTopic }, sourceId);
  cleanup.push(() => collector.close());
  storefront = await startStorefront(collector);
  cleanup.push(() => storefront.close());
}, 180_000);

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  await admin.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe("browser shoppers on the storefront", () => {
  it("shop in Chromium beside the SDK shoppers; their events reach Kafka, acked and labelled", async () => {
    const labels = join(dir, "labels.jsonl");
    const acksFile = join(dir, "acks.jsonl");
    const { stdout } = await run(
      process.execPath,
      [
        cli,
        ...["--host", collector.url, "--write-key", collector.writeKey, "--server-write-key", collector.serverWriteKey],
        ...["--shoppers", "2", "--seed", "16", "--window-minutes", "10", "--live-seconds", "20"],
        ...["--storefront", storefront.origin, "--browser-shoppers", "2"],
        ...["--labels", labels, "--acks", acksFile],
      ],
      { timeout: 150_000 },
    );
    const report = JSON.parse(stdout) as LoadReport;
    const browser = report.browser;
    expect(browser, stdout).toBeDefined();
    if (!browser) return;
    // Two lanes for 20 s: at least one shopper each, every one a session of its own.
    expect(browser.shoppers).toBeGreaterThanOrEqual(2);
    expect(browser.sessions).toBe(browser.shoppers);
    expect(browser.errors, browser.firstError).toBe(0);
    expect(browser.events).toBeGreaterThan(0);
    expect(browser.acked).toBe(browser.events);
    const left = Object.values(browser.abandoned).reduce((sum, n) => sum + n, 0);
    expect(left + browser.orders + browser.declined).toBe(browser.shoppers);
    expect(report.dropped).toBe(0);

    const cases = (await readLabels(labels)).filter((c) => c.caseId.includes("-browser-"));
    expect(cases).toHaveLength(browser.shoppers);
    for (const c of cases) {
      expect(c).toMatchObject({ scenario: "shopper", fraud: false });
      expect(c.anonymousIds).toHaveLength(1);
    }
    expect(cases.flatMap((c) => c.orderIds)).toHaveLength(browser.orders);

    const records = await readTopic<CollectedEvent>(
      { brokers: env.KAFKA_BROKERS.split(","), topic: rawTopic, settleMs: 2_000, timeoutMs: 30_000 },
      (value) => JSON.parse(value) as CollectedEvent,
    );
    const browserDevices = new Set(cases.flatMap((c) => c.anonymousIds));
    const ofBrowsers = records.filter((r) => browserDevices.has(String(r.event.anonymousId)));
    const fromPages = ofBrowsers.filter((r) => r.enrichment.sourceId === sourceId);
    const acks = await readAcks(acksFile);
    // Each event a page sent is in Kafka once, and was acked by messageId; none dead-lettered.
    expect(fromPages).toHaveLength(browser.events);
    expect(new Set(fromPages.map((r) => r.event.messageId)).size).toBe(fromPages.length);
    for (const r of fromPages) expect(acks.has(r.event.messageId), r.event.messageId).toBe(true);
    expect((await admin.fetchTopicOffsets(invalidTopic)).every((p) => p.high === p.low)).toBe(true);
    // The address the driver forwarded (a Brazilian block) and an ordinary browser, not a headless bot.
    for (const r of fromPages) {
      expect(r.enrichment).toMatchObject({ geoCountry: "BR", isBot: false });
    }
    // The backend's orders are the ones the confirmation pages showed, for the shoppers who placed them.
    const orders = ofBrowsers.filter((r) => r.event.event === "Order Completed");
    expect(orders.map((r) => (r.event.properties as { order_id: string }).order_id).sort()).toEqual(
      cases.flatMap((c) => c.orderIds).sort(),
    );
    const checkouts = new Set(
      fromPages
        .filter((r) => r.event.event === "Checkout Started")
        .map((r) => (r.event.properties as { checkout_id: string }).checkout_id),
    );
    expect(checkouts).toEqual(new Set(cases.flatMap((c) => c.checkoutIds)));
  }, 240_000);
});
