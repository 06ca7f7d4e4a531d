import { createHash } from "node:crypto";
import type { FraudAlert } from "@shop/event-schema";

/** A deterministic alert id, as the job derives one (sha256 of rule version | event id, 32 hex digits). */
export const alertIdFor = (eventId: string, ruleVersion = "2026-11-01"): string =>
  createHash("sha256").update(`${ruleVersion}|${eventId}`).digest("hex").slice(0, 32);

/** A FraudAlert as the scoring job writes it (every optional field present, as the Python job does). */
export function fraudAlert(overrides: Partial<FraudAlert> & { eventId?: string } = {}): FraudAlert {
  const eventId = overrides.eventId ?? "evt-order-1";
  return {
    v: 1,
    alertId: alertIdFor(eventId),
    ruleVersion: "2026-11-01",
    score: 87.5,
    threshold: 70,
    reasons: [
      {
        code: "card_testing.distinct_cards",
        text: "7 payment attempts with 5 cards from this device in 10 minutes (limit 5)",
        weight: 0.75,
        evidence: { attempts: 7, cards: 5, limits: ["5 cards / 10 min"] },
      },
      {
        code: "velocity.orders",
        text: "4 orders from this account in 1 hour (limit 3)",
        weight: 0.5,
        evidence: { orders: 4 },
      },
    ],
    eventId,
    eventName: "Order Completed",
    orderId: "order-1",
    checkoutId: "checkout-1",
    userId: "user-1",
    anonymousId: "anon-1",
    ipAnonymized: "203.0.113.0",
    geoCountry: "BR",
    cardFingerprint: "fp_123",
    amount: 249.9,
    currency: "BRL",
    eventTs: "2026-11-28T15:00:00.000Z",
    alertTs: "2026-11-28T15:00:02.125Z",
    ...overrides,
  };
}

export const bytes = (value: unknown): Uint8Array =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value));
