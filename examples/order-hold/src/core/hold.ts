import type { FraudAlert } from "@shop/event-schema";

/**
 * The body of one hold request, as JSON. `orderId` and `checkoutId` are copied from the alert (null
 * when it has none); at least one is set: the shop holds the order `orderId` names, else the order its
 * checkout `checkoutId` becomes (a payment-attempt alert knows only the checkout).
 */
export interface HoldRequest {
  readonly orderId: string | null;
  readonly checkoutId: string | null;
  /** Also sent as the `Idempotency-Key` header. */
  readonly alertId: string;
  readonly score: number;
  /** The rules that fired, strongest first: a stable code and a sentence a person can check. */
  readonly reasons: ReadonlyArray<{ readonly code: string; readonly text: string }>;
  readonly ruleVersion: string;
  /** The scored event's time (ISO-8601, UTC). */
  readonly eventTs: string;
}

export interface HoldPolicy {
  /** Alerts scoring below this are not held. @default undefined (every alert is held) */
  readonly minScore?: number | undefined;
}

export type SkipReason = "below_min_score" | "no_order_reference";

export type HoldDecision =
  | { readonly kind: "hold"; readonly request: HoldRequest }
  | { readonly kind: "skip"; readonly reason: SkipReason; readonly message: string };

/**
 * Whether an alert becomes a hold, and the request if it does. An alert with neither an order nor a
 * checkout id (a payment attempt the job could not tie to a checkout) leaves nothing for the shop to
 * hold: it is skipped with a log line; it stays in the `fraud_alerts` table for analysts.
 */
export function decideHold(alert: FraudAlert, policy: HoldPolicy = {}): HoldDecision {
  if (policy.minScore !== undefined && alert.score < policy.minScore) {
    return {
      kind: "skip",
      reason: "below_min_score",
      message: `score ${alert.score} is below ORDER_HOLD_MIN_SCORE ${policy.minScore}`,
    };
  }
  const orderId = alert.orderId ?? null;
  const checkoutId = alert.checkoutId ?? null;
  if (orderId === null && checkoutId === null) {
    return {
      kind: "skip",
      reason: "no_order_reference",
      message: `the alert (${alert.eventName}) has neither orderId nor checkoutId: nothing to hold`,
    };
  }
  return {
    kind: "hold",
    request: {
      orderId,
      checkoutId,
      alertId: alert.alertId,
      score: alert.score,
      reasons: alert.reasons.map(({ code, text }) => ({ code, text })),
      ruleVersion: alert.ruleVersion,
      eventTs: alert.eventTs,
    },
  };
}
