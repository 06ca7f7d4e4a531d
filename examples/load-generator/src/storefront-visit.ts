/**
 * One visit to the storefront in headless Chromium: a fresh browser context behind the shopper's stand-in CDN,
 * the pages of a journey (by the storefront's data-testids), then leaving the site.
 */
import type { Browser, Page } from "playwright-core";
import { isBatchRequest, sentEvents } from "./batch-body.js";
import type { Case } from "./cases.js";
import { type Cdn, startCdn } from "./cdn.js";
import { goesPast, type Journey, type JourneyStep } from "./journey.js";
import { between, type Random } from "./random.js";
import { sleep } from "./sleep.js";
import type { Acks, FailedSends } from "./transport.js";

/** The SDK's ids record in localStorage (`<storagePrefix>.ids`, the storefront keeps the default prefix). */
const IDS_KEY = "shop_tracker.ids";
const PAGE_TIMEOUT_MS = 30_000;
/** After leaving, how long to wait for the page-exit beacon and the requests still in flight. */
const SETTLE_MS = 1000;
const SETTLE_MAX_MS = 10_000;

export interface VisitOptions {
  /** The storefront's origin, e.g. http://127.0.0.1:3100. */
  storefront: string;
  /** Where each accepted event's 2xx is noted. */
  acks: Acks;
  random: Random;
  /** A pause on each page, ms. */
  thinkMs: readonly [number, number];
}

export type Outcome = JourneyStep | "ordered" | "declined" | "error";
/** What the shoppers' CDNs saw of the run: events sent and acked (by messageId), failed batches by status. */
export type Seen = { sent: Set<string>; acked: Set<string>; failed: FailedSends };

/**
 * One shopper's stand-in CDN (cdn.ts): every request carries the shopper's address in X-Forwarded-For, and
 * each batch to the collector is seen with its answer, the page-exit beacon too. Each event is noted as
 * sent, and as acked on a 2xx; the SDK's retries resend the same messageIds, so sets count each event once.
 */
function cdnFor(ip: string, owner: Case, options: Pick<VisitOptions, "acks">, seen: Seen): Promise<Cdn> {
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

export async function visitStorefront(
  browser: Browser,
  journey: Journey,
  owner: Case,
  options: VisitOptions,
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
  const [thinkMin, thinkMax] = options.thinkMs;
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
