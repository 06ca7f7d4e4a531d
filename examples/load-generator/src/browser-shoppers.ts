/**
 * Browser shoppers: real visits to the storefront (examples/storefront) in headless Chromium, during the
 * live part of a run. Imported lazily by simulate.ts, so that a run without them needs no Chromium.
 */
import { launchChromium } from "@shop/chromium";
import type { Browser, Page } from "playwright-core";
import { isBatchRequest, sentEvents } from "./batch-body.js";
import { type Case, newCase } from "./cases.js";
import { type Cdn, startCdn } from "./cdn.js";
import { goesPast, type Journey, type JourneyStep, journeySteps, planBotJourney, planJourney } from "./journey.js";
import { between, type Random, seededRandom } from "./random.js";
import type { Acks, FailedSends } from "./transport.js";

export interface BrowserShoppersOptions {
  /** The storefront's origin, e.g. http://127.0.0.1:3100. */
  storefront: string;
  /** Shoppers in the shop at a time: a new one starts when one leaves. */
  concurrency: number;
  /** Checkout bots (`bot_checkout` cases) through the storefront, one after another from the live part's middle. */
  bots?: number;
  /** No shopper starts after this (epoch ms); those in the shop then finish their visit. */
  until: number;
  /** Shopper n's journey and pauses come from this seed and n (lanes run concurrently, so not one stream). */
  seed: number;
  /** Makes the cases' ids the run's own. */
  runTag: string;
  /** Where each accepted event's 2xx is noted (shared with the SDK shoppers). */
  acks: Acks;
  /** A shopper's pause on each page, ms (a person reads: 1–4 s by default). */
  thinkMs?: readonly [number, number];
}

export interface BrowserReport {
  /** Shoppers who opened the shop; each is one session (a fresh browser context). */
  shoppers: number;
  sessions: number;
  /** Events the pages sent to the collector (distinct messageIds), and those answered 2xx. */
  events: number;
  acked: number;
  /** Batches the collector answered with something other than 2xx, by status (0: no answer). */
  failedSends: Record<string, number>;
  orders: number;
  /** Orders' subtotals (the storefront's revenue), from the catalogue's prices of the carts. */
  revenue: number;
  declined: number;
  /** The checkout bots (not among the shoppers above): visits, and orders they placed. */
  bots: { cases: number; orders: number };
  /** Where shoppers left before paying. */
  abandoned: Record<JourneyStep, number>;
  /** Shoppers whose visit broke off on an error (a page that did not answer in time); their case is kept. */
  errors: number;
  firstError?: string;
}

export interface BrowserRun {
  report: BrowserReport;
  cases: Case[];
}

/** The SDK's ids record in localStorage (`<storagePrefix>.ids`, the storefront keeps the default prefix). */
const IDS_KEY = "shop_tracker.ids";
const PAGE_TIMEOUT_MS = 30_000;
/** After leaving, how long to wait for the page-exit beacon and the requests still in flight. */
const SETTLE_MS = 1000;
const SETTLE_MAX_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runBrowserShoppers(options: BrowserShoppersOptions): Promise<BrowserRun> {
  const report: BrowserReport = {
    shoppers: 0,
    sessions: 0,
    events: 0,
    acked: 0,
    failedSends: {},
    orders: 0,
    revenue: 0,
    declined: 0,
    bots: { cases: 0, orders: 0 },
    abandoned: Object.fromEntries(journeySteps.map((step) => [step, 0])) as Record<JourneyStep, number>,
    errors: 0,
  };
  const cases: Case[] = [];
  const sent = new Set<string>();
  const acked = new Set<string>();
  const failed: FailedSends = new Map();
  const seen: Seen = { sent, acked, failed };
  const browser = await launchChromium();
  try {
    const lane = async (first: number) => {
      // Lanes start a second apart, so shoppers do not all land on the same second.
      await sleep(first * 1000);
      while (Date.now() < options.until) {
        const n = report.shoppers++;
        report.sessions += 1;
        const owner = newCase(`${options.runTag}-browser-${n}`, "shopper", Date.now());
        cases.push(owner);
        const random = seededRandom((Math.imul(options.seed, 0x9e3779b1) ^ 0x5eed) + n);
        const journey = planJourney(random, owner.caseId);
        const visit = await shop(browser, journey, owner, { ...options, random }, seen);
        if (visit.outcome === "ordered") {
          report.orders += 1;
          report.revenue += journey.products.at(-1)?.price ?? 0;
        } else if (visit.outcome === "declined") report.declined += 1;
        else if (visit.outcome === "error") {
          report.errors += 1;
          report.firstError ??= visit.error;
        } else report.abandoned[visit.outcome] += 1;
      }
    };
    const bots = async () => {
      // From the live part's middle (at most a minute in): a stream that started with the run has caught up.
      const startedAt = Date.now();
      await sleep(Math.min(60_000, Math.max(0, options.until - startedAt) / 2));
      for (let i = 0; i < (options.bots ?? 0); i++) {
        const owner = newCase(`${options.runTag}-browser-bot-${i}`, "bot_checkout", Date.now());
        cases.push(owner);
        report.bots.cases += 1;
        const random = seededRandom((Math.imul(options.seed, 0x9e3779b1) ^ 0xb07) + i);
        const visit = await shop(
          browser,
          planBotJourney(random),
          owner,
          { ...options, random, thinkMs: [100, 400] },
          seen,
        );
        if (visit.outcome === "ordered") report.bots.orders += 1;
        else if (visit.outcome === "error") {
          report.errors += 1;
          report.firstError ??= visit.error;
        }
      }
    };
    await Promise.all([...Array.from({ length: options.concurrency }, (_, i) => lane(i)), bots()]);
  } finally {
    await browser.close();
  }
  report.events = sent.size;
  report.acked = acked.size;
  report.failedSends = Object.fromEntries(failed);
  report.revenue = Math.round(report.revenue * 100) / 100;
  return { report, cases };
}

type Outcome = JourneyStep | "ordered" | "declined" | "error";
/** What the shoppers' CDNs saw of the run: events sent and acked (by messageId), failed batches by status. */
type Seen = { sent: Set<string>; acked: Set<string>; failed: FailedSends };

/**
 * One shopper's stand-in CDN (cdn.ts): every request carries the shopper's address in X-Forwarded-For, and
 * each batch to the collector is seen with its answer, the page-exit beacon too. Each event is noted as
 * sent, and as acked on a 2xx; the SDK's retries resend the same messageIds, so sets count each event once.
 */
function cdnFor(ip: string, owner: Case, options: Pick<BrowserShoppersOptions, "acks">, seen: Seen): Promise<Cdn> {
  const note = (id: string | undefined, into: string[]) => {
    if (id && !into.includes(id)) into.push(id);
  };
  return startCdn(ip, isBatchRequest, (body, status) => {
    const events = sentEvents(body);
    for (const event of events) {
      seen.sent.add(event.messageId);
      note(event.anonymousId, owner.anonymousIds);
      note(event.userId, owner.userIds);
    }
    if (status < 200 || status >= 300) {
      seen.failed.set(status, (seen.failed.get(status) ?? 0) + 1);
      return;
    }
    const at = Date.now();
    for (const event of events) {
      seen.acked.add(event.messageId);
      options.acks.set(event.messageId, { ackedAt: at, eventAt: event.eventAt });
    }
  });
}

/** Resolves once the shopper's last requests are answered: nothing in flight for SETTLE_MS since `leftAt`. */
async function settled(cdn: Cdn, leftAt: number): Promise<void> {
  const deadline = Date.now() + SETTLE_MAX_MS;
  const quietSince = () => Math.max(leftAt, cdn.lastBatchAt());
  while (Date.now() < deadline && (cdn.inFlight() > 0 || Date.now() - quietSince() < SETTLE_MS)) {
    await sleep(100);
  }
}

async function shop(
  browser: Browser,
  journey: Journey,
  owner: Case,
  options: BrowserShoppersOptions & { random: Random },
  seen: Seen,
): Promise<{ outcome: Outcome; error?: string }> {
  const cdn = await cdnFor(journey.ip, owner, options, seen);
  // A fresh context per shopper: its own localStorage, so its own cart and anonymous id; its traffic goes
  // through its CDN (Playwright proxies loopback addresses too, the storefront's and the collector's).
  const context = await browser.newContext({
    ...(journey.userAgent ? { userAgent: journey.userAgent } : {}),
    locale: "pt-BR",
    timezoneId: "America/Sao_Paulo",
    proxy: { server: cdn.url },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  const [thinkMin, thinkMax] = options.thinkMs ?? [1000, 4000];
  const think = () => sleep(between(options.random, thinkMin, thinkMax));
  let outcome: Outcome = "error";
  let error: string | undefined;
  try {
    outcome = await walk(page, journey, owner, options.storefront, think);
  } catch (cause) {
    error = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
  }
  try {
    await readIds(page, owner);
    // Leaving the site: the SDK hands what it still holds to a beacon on page exit, which the CDN sees.
    const leftAt = Date.now();
    await page.goto("about:blank").catch(() => undefined);
    await settled(cdn, leftAt);
  } finally {
    await context.close();
    await cdn.close();
  }
  return error === undefined ? { outcome } : { outcome: "error", error };
}

async function walk(
  page: Page,
  journey: Journey,
  owner: Case,
  origin: string,
  think: () => Promise<void>,
): Promise<Outcome> {
  const testId = (id: string) => `[data-testid="${id}"]`;
  if (journey.email) {
    await page.goto(`${origin}/signin${journey.landingQuery}`);
    await page.fill(testId("signin-email"), journey.email);
    await think();
    await page.click(testId("signin-submit"));
  } else if (!journey.direct) {
    await page.goto(`${origin}/${journey.landingQuery}`);
  }
  if (journey.direct) {
    await page.goto(`${origin}/p/${journey.products[0]?.product_id}`);
    await page.waitForSelector(testId("product-name"));
  } else {
    await page.waitForSelector(testId("product-list"));
    await think();
    if (!goesPast(journey, "list")) return "list";
  }

  for (const [i, product] of (journey.direct ? [] : journey.products).entries()) {
    if (i > 0) {
      await page.click(testId("nav-home"));
      await page.waitForSelector(testId("product-list"));
    }
    await page.click(testId(`product-link-${product.product_id}`));
    await page.waitForSelector(testId("product-name"));
    await think();
  }
  if (!goesPast(journey, "product")) return "product";

  await page.click(testId("add-to-cart"));
  await page.waitForSelector(testId("added"));
  await think();
  if (!goesPast(journey, "added")) return "added";

  await page.click(testId("nav-cart"));
  await page.waitForSelector(testId("cart-lines"));
  await think();
  if (!goesPast(journey, "cart")) return "cart";

  await page.click(testId("checkout"));
  await page.waitForSelector(testId("card-number"));
  const checkoutId = new URL(page.url()).searchParams.get("checkout_id");
  if (checkoutId) owner.checkoutIds.push(checkoutId);
  await think();
  if (!goesPast(journey, "checkout")) return "checkout";

  await page.fill(testId("card-number"), journey.card);
  await page.click(testId("pay"));
  const answer = await page.waitForSelector(`${testId("order-id")}, ${testId("payment-error")}`);
  if ((await answer.getAttribute("data-testid")) === "payment-error") return "declined";
  const orderId = (await answer.textContent())?.trim();
  if (orderId) owner.orderIds.push(orderId);
  await think();
  return "ordered";
}

/** The SDK's anonymous and user ids, from its record in the page's localStorage (what it stamps on events). */
async function readIds(page: Page, owner: Case): Promise<void> {
  const record = await page.evaluate((key) => localStorage.getItem(key), IDS_KEY).catch(() => null);
  if (!record) return;
  try {
    const ids = JSON.parse(record) as { a?: unknown; u?: unknown };
    if (typeof ids.a === "string" && !owner.anonymousIds.includes(ids.a)) owner.anonymousIds.push(ids.a);
    if (typeof ids.u === "string" && !owner.userIds.includes(ids.u)) owner.userIds.push(ids.u);
  } catch {
    // Not the SDK's record: the ids seen on the events are enough.
  }
}
