/**
 * Browser shoppers on the real thing: the CLI with --storefront and --browser-shoppers 2 against a real
 * collector (Kafka topics of the run's own) and the storefront built and served by next start, shopped in
 * headless Debian Chromium, and one checkout bot. Every event a page sent and the collector accepted must be in
 * the raw topic, in the acks file, and belong to a case of the labels file (`shopper`, or `bot_checkout`). Needs the stack (make up) and a build.
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
import { ownTopics } from "../../../tests/e2e/test/support/topics.js";
import { readAcks, readLabels } from "../src/labels.js";
import type { LoadReport } from "../src/simulate.js";
import { readTopic } from "../src/topic-reader.js";

const run = promisify(execFile);
/** A raw topic record; its event is the wire event as the page or the backend sent it. */
type Raw = Omit<CollectedEvent, "event"> & { event: { type: string; messageId: string; [key: string]: unknown } };
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
  cleanup.push(await ownTopics(admin, { [rawTopic]: 3, [invalidTopic]: 1 }));
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
  it("shop in Chromium; a checkout bot too; every event their pages sent reaches Kafka once, acked and labelled", async () => {
    const labels = join(dir, "labels.jsonl");
    const acksFile = join(dir, "acks.jsonl");
    const { stdout } = await run(
      process.execPath,
      [
        cli,
        ...["--host", collector.url, "--write-key", collector.writeKey, "--server-write-key", collector.serverWriteKey],
        ...["--shoppers", "0", "--seed", "371", "--window-minutes", "1", "--live-seconds", "10"],
        ...["--storefront", storefront.origin, "--browser-shoppers", "2", "--browser-bots", "1"],
        ...["--labels", labels, "--acks", acksFile],
      ],
      { timeout: 150_000 },
    );
    const report = JSON.parse(stdout) as LoadReport;
    const browser = report.browser;
    expect(browser, stdout).toBeDefined();
    if (!browser) return;
    // Two lanes for 10 s: at least one shopper each, every one a session of its own. A shopper's journey
    // comes from the seed and its number: with 371, the first signs in and buys, the second's card is declined.
    expect(browser.shoppers).toBeGreaterThanOrEqual(2);
    expect(browser.orders).toBeGreaterThanOrEqual(1);
    expect(browser.declined).toBeGreaterThanOrEqual(1);
    expect(browser.sessions).toBe(browser.shoppers);
    expect(browser.errors, browser.firstError).toBe(0);
    expect(browser.events).toBeGreaterThan(0);
    expect(browser.acked).toBe(browser.events);
    expect(browser.failedSends).toEqual({});
    const left = Object.values(browser.abandoned).reduce((sum, n) => sum + n, 0);
    expect(left + browser.orders + browser.declined).toBe(browser.shoppers);
    expect(report.dropped).toBe(0);

    const labelled = (await readLabels(labels)).filter((c) => c.caseId.includes("-browser-"));
    const cases = labelled.filter((c) => c.scenario === "shopper");
    const bots = labelled.filter((c) => c.scenario === "bot_checkout");
    expect(cases).toHaveLength(browser.shoppers);
    expect(bots).toHaveLength(1);
    expect(labelled).toHaveLength(cases.length + bots.length);
    for (const c of labelled) {
      expect(c.fraud).toBe(c.scenario === "bot_checkout");
      expect(c.anonymousIds).toHaveLength(1);
    }
    expect(cases.flatMap((c) => c.orderIds)).toHaveLength(browser.orders);
    expect(browser.bots).toEqual({ cases: 1, orders: 1 });
    expect(bots[0]?.orderIds).toHaveLength(1);

    const records = await readTopic<Raw>(
      { brokers: env.KAFKA_BROKERS.split(","), topic: rawTopic, settleMs: 2_000, timeoutMs: 30_000 },
      (value) => JSON.parse(value) as Raw,
    );
    const browserDevices = new Set(labelled.flatMap((c) => c.anonymousIds));
    const botDevices = new Set(bots.flatMap((c) => c.anonymousIds));
    const ofBrowsers = records.filter((r) => browserDevices.has(String(r.event.anonymousId)));
    const fromPages = ofBrowsers.filter((r) => r.enrichment.sourceId === sourceId);
    const acks = await readAcks(acksFile);
    // Each event a page sent is in Kafka once, and was acked by messageId; none dead-lettered.
    expect(fromPages).toHaveLength(browser.events);
    expect(new Set(fromPages.map((r) => r.event.messageId)).size).toBe(fromPages.length);
    for (const r of fromPages) expect(acks.has(r.event.messageId), r.event.messageId).toBe(true);
    expect((await admin.fetchTopicOffsets(invalidTopic)).every((p) => p.high === p.low)).toBe(true);
    // The address the driver forwarded (the shoppers' from a Brazilian block) and an ordinary browser; the bot's
    // pages say HeadlessChrome, which the collector marks.
    for (const r of fromPages) {
      if (botDevices.has(String(r.event.anonymousId))) expect(r.enrichment.isBot).toBe(true);
      else expect(r.enrichment).toMatchObject({ geoCountry: "BR", isBot: false });
    }
    expect(fromPages.some((r) => botDevices.has(String(r.event.anonymousId)))).toBe(true);
    // The backend's orders are the ones the confirmation pages showed, for the shoppers who placed them.
    const tracks = (name: string) => ofBrowsers.filter((r) => r.event.event === name);
    const property = (r: Raw, key: string) => (r.event.properties as Record<string, unknown>)[key];
    expect(
      tracks("Order Completed")
        .map((r) => property(r, "order_id"))
        .sort(),
    ).toEqual(labelled.flatMap((c) => c.orderIds).sort());
    expect(new Set(tracks("Checkout Started").map((r) => property(r, "checkout_id")))).toEqual(
      new Set(labelled.flatMap((c) => c.checkoutIds)),
    );
    const [buyer, declined] = cases;
    expect(buyer?.orderIds).toHaveLength(1);
    expect(buyer?.userIds).toHaveLength(1);
    const order = tracks("Order Completed").find((r) => property(r, "order_id") === buyer?.orderIds[0]);
    expect(order?.event).toMatchObject({ anonymousId: buyer?.anonymousIds[0], userId: buyer?.userIds[0] });
    expect(order?.enrichment.geoCountry).toBe("BR");
    expect(declined?.orderIds).toEqual([]);
    const attempts = tracks("Payment Attempted").filter((r) => r.event.anonymousId === declined?.anonymousIds[0]);
    expect(attempts.map((r) => [property(r, "status"), property(r, "decline_code")])).toEqual([
      ["declined", "insufficient_funds"],
    ]);
  }, 240_000);
});
