import { seededRandom } from "@shop/example-load-generator";
import { createTracker, type Tracker } from "@shop/tracker";
import { checkoutStarted, orderCompleted, productAdded, productViewed } from "@shop/tracker/ecommerce";

export interface LiveShoppersOptions {
  readonly host: string;
  readonly writeKey: string;
  readonly shoppers: number;
  /** Every visit starts and ends within this, from now. */
  readonly durationMs: number;
  /** A deterministic run for a seed. */
  readonly seed: number;
  readonly runTag: string;
}

export interface LiveShoppersReport {
  readonly sent: number;
  readonly dropped: number;
  readonly orders: number;
  /** When the collector acknowledged the last event (epoch ms): the flush that sent it resolved. */
  readonly lastAckAt: number;
}

/** Longest visit: home, a product, the cart, checkout and the order, each a few seconds apart. */
const VISIT_MS = 60_000;
const CURRENCIES = ["BRL", "EUR"] as const;

/**
 * Short shop visits through the real SDK (Node entry), each event sent when it happens, all within
 * `durationMs`. The load generator (examples/load-generator) plays realistic visits of up to several minutes,
 * and its live shoppers only check out when the visit's browsing ends before the run does; a dashboard test of
 * 2–3 minutes needs orders and revenue in every minute, so the visits here are short and many buy.
 */
export async function shopLive(options: LiveShoppersOptions): Promise<LiveShoppersReport> {
  const random = seededRandom(options.seed);
  const seconds = (min: number, max: number) => Math.round((min + random() * (max - min)) * 1000);
  const start = Date.now();
  const steps: { at: number; tracker: Tracker; send: (t: Tracker) => void }[] = [];
  const trackers: Tracker[] = [];
  let orders = 0;
  for (let i = 0; i < options.shoppers; i++) {
    // flushAt 1 with no timer wait: each event leaves when it happens.
    const tracker = createTracker({ host: options.host, writeKey: options.writeKey, flushAt: 1 });
    trackers.push(tracker);
    let at = start + Math.floor(random() * Math.max(1, options.durationMs - VISIT_MS));
    const step = (send: (t: Tracker) => void, after: number) => {
      at += after;
      steps.push({ at, tracker, send });
    };
    const product = `sku-${100 + Math.floor(random() * 12)}`;
    const price = Math.round((10 + random() * 290) * 100) / 100;
    const currency = CURRENCIES[Math.floor(random() * CURRENCIES.length)] as string;
    step((t) => t.page("Home"), 0);
    step((t) => productViewed(t, { product_id: product, price, currency }), seconds(3, 10));
    if (random() < 0.7) {
      step((t) => productAdded(t, { product_id: product, price, quantity: 1, currency }), seconds(3, 10));
      if (random() < 0.7) {
        const orderId = `order-${options.runTag}-${i}`;
        step((t) => checkoutStarted(t, { order_id: orderId, value: price, currency }), seconds(3, 10));
        step(
          (t) =>
            orderCompleted(t, {
              order_id: orderId,
              revenue: price,
              currency,
              products: [{ product_id: product, price, quantity: 1 }],
            }),
          seconds(3, 15),
        );
        orders += 1;
      }
    }
  }
  steps.sort((a, b) => a.at - b.at);
  let lastAckAt = 0;
  const sending = new Set<Promise<void>>();
  for (const { at, tracker, send } of steps) {
    const wait = at - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    send(tracker);
    const flushed: Promise<void> = tracker.flush().then(() => {
      lastAckAt = Math.max(lastAckAt, Date.now());
      sending.delete(flushed);
    });
    sending.add(flushed);
  }
  await Promise.all([...sending]);
  let sent = 0;
  let dropped = 0;
  for (const tracker of trackers) {
    await tracker.close();
    const stats = tracker.stats();
    sent += stats.sent;
    dropped += stats.dropped + stats.queued + stats.rejected;
  }
  return { sent, dropped, orders, lastAckAt };
}
