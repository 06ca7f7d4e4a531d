import type { BrowserReport, BrowserRun } from "./browser-shoppers.js";
import type { Case } from "./cases.js";
import { fraudScenarios, hardNegativeScenarios } from "./cases.js";
import { type PlayOptions, play } from "./play.js";
import { seededRandom } from "./random.js";
import { scenarios } from "./scenarios/fraud.js";
import { scheduleShopper } from "./shopper.js";
import { type Acks, type FailedSends, fetchTransports, sendingNow, type TransportFactory } from "./transport.js";
import { World } from "./world.js";

export interface LoadOptions {
  host: string;
  /** The shop's web source: the shoppers' browsers send with it. */
  writeKey: string;
  /**
   * The shop's backend source, which the collector must list in COLLECTOR_SERVER_SOURCES: it sends
   * payment and order events with the shopper's IP in context.ip, which only a server source may set.
   */
  serverWriteKey: string;
  shoppers: number;
  seed: number;
  /** Simulated visits start spread over this window before now (replayed at once, in time order). */
  windowMs: number;
  /** And keep arriving for this long after now, each event sent at its time (0: a replay only). */
  liveMs?: number;
  /**
   * A ramp test: the ordinary shoppers all arrive in the live part, at a rate rising linearly from none at
   * its start to twice the average at its end (so the event rate climbs through whatever a consumer can take).
   */
  ramp?: boolean;
  /** Cases of each fraud scenario and of each hard negative mixed in (0: ordinary shoppers only). */
  fraudCases?: number;
  /** How far back a customer's history (for takeover, big spender, traveller) goes, in days. */
  historyDays?: number;
  /**
   * Real shoppers in headless Chromium on the storefront (examples/storefront) during the live part: this
   * many at a time, a new one when one leaves. Needs liveMs > 0; Chromium is loaded only when given.
   */
  browserShoppers?: {
    storefront: string;
    concurrency: number;
    /** Checkout bots (`bot_checkout`, a fraud) through the storefront, from the live part's middle. */
    bots?: number;
    thinkMs?: readonly [number, number];
  };
  /** Makes the run's user, order and checkout ids its own (a second run does not meet the first's). */
  runTag?: string;
  /** Lets tests count what was sent; defaults to fetch with the shopper's address in X-Forwarded-For. */
  transports?: TransportFactory;
  now?: number;
  play?: PlayOptions;
}

export interface LoadReport {
  shoppers: number;
  events: number;
  sent: number;
  dropped: number;
  /** Requests answered with something other than 2xx (retried by the SDK, or given up), by status. */
  failedSends: Record<string, number>;
  sessions: number;
  orders: number;
  revenue: number;
  fraudCases: number;
  hardNegatives: number;
  replayedSteps: number;
  liveSteps: number;
  /** Worst delay of a live step behind its time: above a second, the generator could not keep up. */
  maxLiveLagMs: number;
  /** Set when the run was stopped early (play's signal): the real time it stopped, ISO-8601. */
  stoppedAt?: string;
  /** The ordinary shoppers' window starts here; firstEventAt may be earlier (the customers' histories). */
  windowFrom: string;
  firstEventAt: string;
  lastEventAt: string;
  /** The browser shoppers on the storefront, counted apart (the fields above are the SDK shoppers'). */
  browser?: BrowserReport;
}

export interface LoadRun {
  report: LoadReport;
  /** Ground truth: one case per shopper and per scenario case (labels.jsonl). */
  cases: Case[];
  /** When the collector accepted each event (messageId → epoch ms). */
  acks: Acks;
}

const MINUTE = 60_000;

/** Where the scenario cases start: spread over the live part, or over the past window's newer part. */
function caseTimes(now: number, windowMs: number, liveMs: number, count: number, random: () => number): number[] {
  // Live cases start after the first minute: a stream that started with the run is still catching up on the
  // replayed window then, and an alert's latency would measure that backlog, not the scoring.
  const lead = Math.min(MINUTE, liveMs / 2);
  const [from, to] =
    liveMs > 0 ? [now + lead, now + Math.max(lead, liveMs - 5 * MINUTE)] : [now - windowMs * 0.7, now - 20 * MINUTE];
  const span = Math.max(0, to - from);
  return Array.from({ length: count }, () => Math.floor(Math.max(from, now - windowMs) + random() * span));
}

export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  const random = seededRandom(options.seed);
  const now = options.now ?? Date.now();
  const liveMs = options.liveMs ?? 0;
  const inBrowsers = (options.browserShoppers?.concurrency ?? 0) + (options.browserShoppers?.bots ?? 0);
  if (inBrowsers > 0) {
    if (liveMs <= 0) throw new RangeError("browser shoppers need a live part (liveMs > 0)");
    // Their stand-in CDN (cdn.ts) is a plain-http forward proxy.
    if (!/^http:\/\//.test(options.browserShoppers?.storefront ?? "")) {
      throw new RangeError("browser shoppers need the storefront's http:// URL");
    }
  }
  const acks: Acks = new Map();
  const failed: FailedSends = new Map();
  const world = new World({
    host: options.host,
    writeKey: options.writeKey,
    serverWriteKey: options.serverWriteKey,
    random,
    transports: sendingNow(options.transports ?? fetchTransports, acks, failed),
    runTag: options.runTag ?? `${options.seed}-${now.toString(36)}`,
  });
  const windowStart = now - options.windowMs;
  const endAt = liveMs > 0 ? now + liveMs : now - 1000;
  const report = { orders: 0, revenue: 0, sessions: 0 };
  for (let i = 0; i < options.shoppers; i++) {
    // √u has density 2u on [0, 1]: arrivals rise linearly.
    const startAt =
      options.ramp && liveMs > 0
        ? now + Math.floor(Math.sqrt(random()) * liveMs)
        : liveMs > 0
          ? windowStart + Math.floor(random() * (endAt - windowStart))
          : windowStart + Math.floor(random() * Math.max(1, endAt - windowStart) * 0.6);
    const outcome = scheduleShopper(world, startAt, endAt);
    report.orders += outcome.orders;
    report.revenue += outcome.revenue;
    report.sessions += outcome.sessions;
  }
  const mixed = [...fraudScenarios, ...hardNegativeScenarios];
  const perScenario = options.fraudCases ?? 0;
  const times = caseTimes(now, options.windowMs, liveMs, mixed.length * perScenario, random);
  for (let n = 0; n < perScenario; n++) {
    for (const [i, scenario] of mixed.entries()) {
      scenarios[scenario](world, times[n * mixed.length + i] as number, { historyDays: options.historyDays ?? 6 });
    }
  }

  const steps = world.timeline.ordered();
  const [played, browser] = await Promise.all([
    play(steps, options.play),
    startBrowserShoppers(options, {
      until: now + liveMs,
      runTag: world.options.runTag,
      acks,
      ...(options.play?.signal ? { signal: options.play.signal } : {}),
    }),
  ]);
  let sent = 0;
  let dropped = 0;
  for (const tracker of world.trackers()) {
    await tracker.close();
    const stats = tracker.stats();
    sent += stats.sent;
    dropped += stats.dropped + stats.queued;
  }
  return {
    report: {
      shoppers: options.shoppers,
      events: sent + dropped,
      sent,
      dropped,
      failedSends: Object.fromEntries(failed),
      sessions: report.sessions,
      orders: report.orders,
      revenue: Math.round(report.revenue * 100) / 100,
      fraudCases: perScenario * fraudScenarios.length,
      hardNegatives: perScenario * hardNegativeScenarios.length,
      replayedSteps: played.replayed,
      liveSteps: played.live,
      maxLiveLagMs: played.maxLiveLagMs,
      windowFrom: new Date(windowStart).toISOString(),
      firstEventAt: new Date(steps[0]?.at ?? now).toISOString(),
      lastEventAt: new Date(steps.at(-1)?.at ?? now).toISOString(),
      ...(played.stoppedAt === undefined ? {} : { stoppedAt: new Date(played.stoppedAt).toISOString() }),
      ...(browser ? { browser: browser.report } : {}),
    },
    // A fraud whose attack was never played cannot be detected: stopped early, it is no case of this run.
    cases: [...world.cases, ...(browser?.cases ?? [])].filter(
      (c) => played.stoppedAt === undefined || !c.fraud || Date.parse(c.startsAt) <= (played.stoppedAt as number),
    ),
    acks,
  };
}

async function startBrowserShoppers(
  options: LoadOptions,
  run: { until: number; runTag: string; acks: Acks; signal?: AbortSignal },
): Promise<BrowserRun | undefined> {
  const browser = options.browserShoppers;
  if (!browser || browser.concurrency + (browser.bots ?? 0) <= 0) return undefined;
  // Lazily: playwright-core and Chromium are needed only by a run with browser shoppers.
  const { runBrowserShoppers } = await import("./browser-shoppers.js");
  return runBrowserShoppers({
    storefront: browser.storefront.replace(/\/+$/, ""),
    concurrency: browser.concurrency,
    bots: browser.bots ?? 0,
    ...(browser.thinkMs ? { thinkMs: browser.thinkMs } : {}),
    // Their own streams of numbers: the SDK shoppers' run stays the same for a seed with or without them.
    seed: options.seed,
    ...run,
  });
}
