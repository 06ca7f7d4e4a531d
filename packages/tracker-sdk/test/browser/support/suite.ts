import { launchChromium } from "@shop/chromium";
import type { Browser, ConsoleMessage, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { CollectorServer } from "./collector-server.js";
import { delivery, describeTraffic, duplicateMessageIds } from "./deliveries.js";
import { type BrowserEnv, type EnvOptions, openEnv } from "./env.js";
import { snapshotSdkBuild } from "./sdk-build.js";
import { waitUntil } from "./wait.js";

/**
 * Registers the hooks of a browser test file: one Chromium for the file, and every environment a test
 * opens closed after it (pages, context, servers), pass or fail.
 */
export function browserSuite(extraArgs: readonly string[] = []): { env(options?: EnvOptions): Promise<BrowserEnv> } {
  let browser: Browser | undefined;
  let sdk: { dir: string; dispose(): Promise<void> } | undefined;
  const open: BrowserEnv[] = [];
  beforeAll(async () => {
    sdk = await snapshotSdkBuild();
    browser = await launchChromium(extraArgs);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((env) => env.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await sdk?.dispose();
  });
  return {
    env: async (options) => {
      if (!browser || !sdk) throw new Error("browserSuite: the browser is not launched yet");
      const env = await openEnv(browser, sdk.dir, options);
      open.push(env);
      return env;
    },
  };
}

/** Name of the events the tests track; their `n` property tells them apart. */
export const TEST_EVENT = "Browser Test";

/** The test key of a tracked test event (`<tab>:<n>`), undefined for every other event. */
export function testKey(event: Record<string, unknown>): string | undefined {
  if (event.type !== "track" || event.event !== TEST_EVENT) return undefined;
  const { n, tab } = (event.properties ?? {}) as { n?: unknown; tab?: unknown };
  return `${String(tab ?? "")}:${String(n)}`;
}

export const keys = (tab: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `${tab}:${from + i}`);

/** Opens `url` in `page` and waits for the SDK snippet to have created `window.tracker`. */
export async function openShopPage(page: Page, url: string): Promise<void> {
  const problems: string[] = [];
  const onError = (error: Error) => problems.push(`uncaught: ${error.message}`);
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() === "error") problems.push(`console: ${message.text()} (${message.location().url})`);
  };
  page.on("pageerror", onError);
  page.on("console", onConsole);
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.tracker !== undefined, undefined, { timeout: 10_000 });
  } catch (error) {
    throw new Error(`the SDK did not create window.tracker on ${url}: ${problems.join(" | ") || "no page errors"}`, {
      cause: error,
    });
  } finally {
    page.off("pageerror", onError);
    page.off("console", onConsole);
  }
}

/** Tracks `count` test events synchronously in one task, as a page would on a burst of activity. */
export async function trackEvents(
  page: Page,
  { tab = "", from = 0, count }: { tab?: string; from?: number; count: number },
) {
  await page.evaluate(
    ({ tab, from, count }) => {
      for (let n = from; n < from + count; n++) window.tracker?.track("Browser Test", { n, tab });
    },
    { tab, from, count },
  );
}

/** Waits until every expected test event was accepted at least once. */
export async function waitForEvents(collector: CollectorServer, expected: readonly string[], timeoutMs = 15_000) {
  await waitUntil(
    () => {
      const seen = new Set(collector.arrivals().map((a) => testKey(a.event)));
      return expected.every((key) => seen.has(key));
    },
    { timeoutMs, describe: () => describeTraffic(collector) },
  );
}

/**
 * The visit after: opens the shop's `/next` page in `page` (same storage), tracks a marker event and
 * flushes, then waits for the marker and a little longer. Anything the SDK kept from earlier pages and
 * sends again shows up as a duplicate by then.
 */
export async function nextVisit(page: Page, shopUrl: string, collector: CollectorServer, settleMs = 1_000) {
  await openShopPage(page, `${shopUrl}/next`);
  await page.evaluate(async () => {
    window.tracker?.track("Next Visit", {});
    await window.tracker?.flush();
  });
  await waitUntil(() => collector.arrivals().some((a) => a.event.event === "Next Visit"), {
    describe: () => describeTraffic(collector),
  });
  await new Promise((resolve) => setTimeout(resolve, settleMs));
}

/**
 * Every expected test event arrived exactly once, no event of any kind (page views included) came
 * twice, the contract rejected none, and no page threw.
 */
export function expectExactlyOnce(env: BrowserEnv, expected: readonly string[]) {
  const arrivals = env.collector.arrivals();
  const traffic = describeTraffic(env.collector);
  expect(delivery(arrivals, expected, testKey), traffic).toEqual({
    missing: [],
    duplicated: {},
    duplicatedMessageIds: {},
  });
  expect(duplicateMessageIds(arrivals), traffic).toEqual({});
  expect(
    env.collector.requests.flatMap((r) => r.rejected),
    traffic,
  ).toEqual([]);
  expect(env.pageErrors).toEqual([]);
}
