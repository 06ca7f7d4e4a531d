import { type BatchPayload, createFetchTransport, type Transport } from "@shop/tracker";
import { seededRandom } from "./random.js";
import { simulateShopper } from "./shopper.js";

export interface LoadOptions {
  host: string;
  writeKey: string;
  shoppers: number;
  seed: number;
  /** Simulated visits start spread over this window, ending now. */
  windowMs: number;
  /** Lets tests count what was sent; defaults to fetch. */
  transport?: Transport;
  now?: number;
}

export interface LoadReport {
  shoppers: number;
  events: number;
  sent: number;
  dropped: number;
  sessions: number;
  orders: number;
  revenue: number;
  firstEventAt: string;
  lastEventAt: string;
}

/**
 * The trackers run on simulated clocks (visits in the recent past), but a batch is really sent now:
 * sentAt is stamped with the real time so the collector's skew correction keeps the simulated times,
 * as it would for a device that queued events offline.
 */
function sendingNow(transport: Transport): Transport {
  return {
    send: (url, payload: BatchPayload) => transport.send(url, { ...payload, sentAt: new Date().toISOString() }),
  };
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const random = seededRandom(options.seed);
  const now = options.now ?? Date.now();
  const windowStart = now - options.windowMs;
  const endAt = now - 1000;
  const transport = sendingNow(options.transport ?? createFetchTransport());
  const report = { shoppers: options.shoppers, events: 0, sent: 0, dropped: 0, sessions: 0, orders: 0, revenue: 0 };
  let first = Number.POSITIVE_INFINITY;
  const outcomes = [];
  for (let i = 0; i < options.shoppers; i++) {
    const startAt = windowStart + Math.floor(random() * Math.max(1, endAt - windowStart) * 0.6);
    first = Math.min(first, startAt);
    const outcome = simulateShopper({
      host: options.host,
      writeKey: options.writeKey,
      random,
      startAt,
      endAt,
      transport,
      shopperIndex: i,
    });
    outcomes.push(outcome);
    report.events += outcome.events;
    report.sessions += outcome.sessions;
    report.orders += outcome.orders;
    report.revenue += outcome.revenue;
  }
  for (const { tracker } of outcomes) {
    await tracker.close();
    const stats = tracker.stats();
    report.sent += stats.sent;
    report.dropped += stats.dropped + stats.queued;
  }
  return {
    ...report,
    revenue: Math.round(report.revenue * 100) / 100,
    firstEventAt: new Date(first).toISOString(),
    lastEventAt: new Date(endAt).toISOString(),
  };
}
