/**
 * Browser shoppers: real visits to the storefront (examples/storefront) in headless Chromium, during the
 * live part of a run. Imported lazily by simulate.ts, so that a run without them needs no Chromium.
 */
import { launchChromium } from "@shop/chromium";
import { type Case, newCase } from "./cases.js";
import { type JourneyStep, journeySteps, planBotJourney, planJourney } from "./journey.js";
import { seededRandom } from "./random.js";
import { sleep } from "./sleep.js";
import { type Seen, visitStorefront } from "./storefront-visit.js";
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
  /** Stops the run early (Ctrl-C): no shopper or bot starts after it; those in the shop finish their visit. */
  signal?: AbortSignal;
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

/** A person reads each page for a few seconds; a bot only waits for it to render. */
const PERSON_THINK_MS = [1000, 4000] as const;
const BOT_THINK_MS = [100, 400] as const;

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
  const thinkMs = options.thinkMs ?? PERSON_THINK_MS;
  // The load generator stops on SIGINT itself (cli.ts): the visits under way finish, then the browser is closed below.
  const browser = await launchChromium([], { callerHandlesSignals: true });
  try {
    const lane = async (first: number) => {
      // Lanes start a second apart, so shoppers do not all land on the same second.
      await sleep(first * 1000, options.signal);
      while (Date.now() < options.until && !options.signal?.aborted) {
        const n = report.shoppers++;
        report.sessions += 1;
        const owner = newCase(`${options.runTag}-browser-${n}`, "shopper", Date.now());
        cases.push(owner);
        const random = seededRandom((Math.imul(options.seed, 0x9e3779b1) ^ 0x5eed) + n);
        const journey = planJourney(random, owner.caseId);
        const visit = await visitStorefront(browser, journey, owner, { ...options, random, thinkMs }, seen);
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
      if (!options.bots) return;
      // From the live part's middle (at most a minute in): a stream that started with the run has caught up.
      const startedAt = Date.now();
      await sleep(Math.min(60_000, Math.max(0, options.until - startedAt) / 2), options.signal);
      for (let i = 0; i < (options.bots ?? 0) && !options.signal?.aborted; i++) {
        const owner = newCase(`${options.runTag}-browser-bot-${i}`, "bot_checkout", Date.now());
        cases.push(owner);
        report.bots.cases += 1;
        const random = seededRandom((Math.imul(options.seed, 0x9e3779b1) ^ 0xb07) + i);
        const visit = await visitStorefront(
          browser,
          planBotJourney(random),
          owner,
          { ...options, random, thinkMs: BOT_THINK_MS },
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
