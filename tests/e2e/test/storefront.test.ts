/**
 * The storefront end to end, on the real local stack: one shopper in headless Chromium signs in, browses,
 * adds a product, checks out and pays in examples/storefront (built with `next build`, served by
 * `next start`); its browser events go straight to the collector, its backend sends the payment and the
 * order from a server-side source with the shopper's IP. Then collector → Kafka → the sink's runner →
 * Parquet on S3 → @shop/query's local engine, where every event is found exactly once.
 * The run's topics, source ids and S3 prefix are its own.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The repo's one way to launch Debian's Chromium (packages/chromium: flags for a closed network).
import { launchChromium } from "@shop/chromium";
import { createLocalEngine } from "@shop/query";
import { Kafka, logLevel } from "kafkajs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCollector, type TestCollector } from "./support/collector.js";
import { drainToLake, stackS3 } from "./support/jobs.js";
import { stackEnv } from "./support/stack-env.js";
import { startStorefront, until } from "./support/storefront.js";
import { ownTopics } from "./support/topics.js";

const env = stackEnv();
const runId = randomUUID().slice(0, 8);
const rawTopic = `e2e-storefront-${runId}.raw`;
const invalidTopic = `e2e-storefront-${runId}.invalid`;
const prefix = `e2e-storefront-${runId}`;
const sourceId = `storefront-${runId}`;
const bucket = env.S3_BUCKET ?? "shop-analytics-local";
// An address in a block the collector's country database places in Brazil (the load generator's BR blocks).
const shopperIp = "179.100.20.30";
const kafka = new Kafka({
  clientId: "e2e-storefront",
  brokers: env.KAFKA_BROKERS.split(","),
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
const s3 = stackS3(env);
const cacheDir = mkdtempSync(join(tmpdir(), "shop-e2e-storefront-"));
const cleanup: Array<() => Promise<unknown>> = [];
let collector: TestCollector;
let origin: string;
let browser: Browser;

const topicSize = async (topic: string) =>
  (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);

beforeAll(async () => {
  await admin.connect();
  cleanup.push(await ownTopics(admin, { [rawTopic]: 3, [invalidTopic]: 1 }));
  collector = await startCollector(env, { raw: rawTopic, invalid: invalidTopic }, sourceId);
  cleanup.push(() => collector.close());

  // The storefront as it ships (next build, next start); the test plays its CDN (X-Forwarded-For).
  const storefront = await startStorefront(collector);
  cleanup.push(() => storefront.close());
  origin = storefront.origin;
  browser = await launchChromium();
  cleanup.push(() => browser.close());
}, 180_000);

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  await admin.disconnect();
  s3.destroy();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe("the storefront, shopped in Chromium", () => {
  it("puts one order in the lake with its revenue, product, client- and server-side events, each once", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.route(`${origin}/**`, (route) =>
      route.continue({ headers: { ...route.request().headers(), "x-forwarded-for": shopperIp } }),
    );

    await page.goto(`${origin}/signin`);
    await page.fill("[data-testid=signin-email]", `shopper-${runId}@example.com`);
    await page.click("[data-testid=signin-submit]");
    await page.waitForSelector("[data-testid=product-link-sku-100]");
    await page.click("[data-testid=product-link-sku-100]");
    await page.waitForSelector("[data-testid=product-name]");
    await page.click("[data-testid=add-to-cart]");
    await page.waitForSelector("[data-testid=added]");
    await page.click("[data-testid=nav-cart]");
    await page.waitForSelector("[data-testid=cart-line-sku-100]");
    await page.click("[data-testid=checkout]");
    await page.fill("[data-testid=card-number]", "4242 4242 4242 4242");
    await page.click("[data-testid=pay]");
    const orderId = (await (await page.waitForSelector("[data-testid=order-id]")).textContent()) ?? "";
    expect(orderId).toMatch(/^order-/);
    // Leaving the shop: the SDK hands what is still queued to the browser on page exit.
    // The browser stays open (closing the context at once would cancel the beacons in flight).
    await page.close({ runBeforeUnload: true });
    expect(errors).toEqual([]);

    const pages = ["/signin", "/", "/p/sku-100", "/cart", "/checkout", `/order/${orderId}`];
    const clientTracks = [
      "Signed In",
      "Product List Viewed",
      "Product Viewed",
      "Product Added",
      "Cart Viewed",
      "Checkout Started",
      "Payment Info Entered",
    ];
    const serverTracks = ["Payment Attempted", "Order Completed"];
    const expected = pages.length + 1 /* identify */ + clientTracks.length + serverTracks.length;
    let seen = 0;
    await until(
      async () => {
        seen = await topicSize(rawTopic);
        return seen >= expected;
      },
      () => `${expected} events on ${rawTopic} (${seen} there)`,
    );
    expect(await topicSize(invalidTopic)).toBe(0);
    await context.close();

    await drainToLake(env, rawTopic, `e2e-storefront-${runId}`, prefix);
    const engine = await createLocalEngine({ s3, bucket, prefix, cacheDir });
    try {
      const rows = await engine.query<{
        event_id: string;
        event_type: string;
        event_name: string | null;
        source_id: string;
        anonymous_id: string | null;
        user_id: string | null;
        page_path: string | null;
        product_id: string | null;
        order_id: string | null;
        revenue: number | null;
        payment_status: string | null;
        geo_country: string | null;
        properties_json: string | null;
      }>(
        `SELECT event_id, event_type, event_name, source_id, anonymous_id, user_id, page_path, product_id, order_id,
                revenue, payment_status, geo_country, properties_json
         FROM events ORDER BY event_ts, event_id`,
      );
      expect(new Set(rows.map((r) => r.event_id)).size).toBe(rows.length);
      expect(rows).toHaveLength(expected);

      const client = rows.filter((r) => r.source_id === sourceId);
      const server = rows.filter((r) => r.source_id === `${sourceId}-backend`);
      expect(client.length + server.length).toBe(rows.length);
      expect(
        client
          .filter((r) => r.event_type === "page")
          .map((r) => r.page_path)
          .sort(),
      ).toEqual([...pages].sort());
      expect(client.filter((r) => r.event_type === "identify")).toHaveLength(1);
      expect(
        client
          .filter((r) => r.event_type === "track")
          .map((r) => r.event_name)
          .sort(),
      ).toEqual([...clientTracks].sort());
      expect(client.find((r) => r.event_name === "Product Added")).toMatchObject({ product_id: "sku-100" });
      expect(server.map((r) => r.event_name).sort()).toEqual([...serverTracks].sort());

      // The backend's events belong to the shopper who browsed: same ids, and the country of their address.
      const shopper = client.find((r) => r.event_name === "Checkout Started");
      expect(shopper?.user_id).toMatch(/^user-/);
      const order = server.find((r) => r.event_name === "Order Completed");
      expect(order).toMatchObject({
        order_id: orderId,
        revenue: 89.9,
        anonymous_id: shopper?.anonymous_id,
        user_id: shopper?.user_id,
        geo_country: "BR",
      });
      expect(JSON.parse(order?.properties_json ?? "{}").products).toMatchObject([
        { product_id: "sku-100", quantity: 1 },
      ]);
      expect(server.find((r) => r.event_name === "Payment Attempted")).toMatchObject({
        order_id: orderId,
        payment_status: "authorized",
        geo_country: "BR",
      });
      const revenue = await engine.query<{ orders: number; revenue: number }>(
        "SELECT count(DISTINCT order_id) AS orders, sum(revenue) AS revenue FROM events WHERE revenue IS NOT NULL",
      );
      expect(revenue.map((r) => ({ orders: Number(r.orders), revenue: r.revenue }))).toEqual([
        { orders: 1, revenue: 89.9 },
      ]);
    } finally {
      await engine.close();
    }
  }, 240_000);
});
