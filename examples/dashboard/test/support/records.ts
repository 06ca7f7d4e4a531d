import type { FraudAlert, LiveMetrics } from "@shop/event-schema";

/** A LiveMetrics record as the Spark job writes it. */
export function liveMetrics(overrides: Partial<LiveMetrics> = {}): LiveMetrics {
  return {
    v: 1,
    minute: "2026-11-28T15:00:00.000Z",
    revision: 1,
    computedAt: "2026-11-28T15:00:30.000Z",
    events: 120,
    eventsPerSecond: 2,
    activeSessions: 14,
    visitors: 12,
    funnel: { productViewed: 10, addedToCart: 5, checkoutStarted: 3, ordered: 2 },
    orders: 2,
    revenue: { EUR: 120.5 },
    topProductsViewed: [
      { productId: "sku-1", count: 30 },
      { productId: "sku-2", count: 20 },
    ],
    topProductsBought: [{ productId: "sku-1", count: 3 }],
    botEvents: 12,
    botShare: 0.1,
    ...overrides,
  };
}

export function fraudAlert(overrides: Partial<FraudAlert> = {}): FraudAlert {
  return {
    v: 1,
    alertId: "0123456789abcdef0123456789abcdef",
    ruleVersion: "2026-11-01",
    score: 87.5,
    threshold: 70,
    reasons: [
      {
        code: "card_testing.distinct_cards",
        text: "7 payment attempts with 5 cards from this device in 10 minutes (limit 5)",
        weight: 0.75,
        evidence: { attempts: 7, cards: 5 },
      },
    ],
    eventId: "evt-order-1",
    eventName: "Order Completed",
    orderId: "order-1",
    amount: 249.9,
    currency: "BRL",
    eventTs: "2026-11-28T15:00:00.000Z",
    alertTs: "2026-11-28T15:00:02.125Z",
    ...overrides,
  };
}
