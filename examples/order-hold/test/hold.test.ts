import { describe, expect, it } from "vitest";
import { decideHold } from "../src/core/hold.js";
import { fraudAlert } from "./support/alerts.js";

describe("deciding a hold", () => {
  it("builds the request from the alert: ids, score, reasons as code and text, rule version, event time", () => {
    const alert = fraudAlert();
    expect(decideHold(alert)).toEqual({
      kind: "hold",
      request: {
        orderId: "order-1",
        checkoutId: "checkout-1",
        alertId: alert.alertId,
        score: 87.5,
        reasons: [
          {
            code: "card_testing.distinct_cards",
            text: "7 payment attempts with 5 cards from this device in 10 minutes (limit 5)",
          },
          { code: "velocity.orders", text: "4 orders from this account in 1 hour (limit 3)" },
        ],
        ruleVersion: "2026-11-01",
        eventTs: "2026-11-28T15:00:00.000Z",
      },
    });
  });

  it("holds by checkout when the alert has no order id (a payment attempt)", () => {
    const decision = decideHold(fraudAlert({ orderId: null, eventName: "Payment Attempted" }));
    expect(decision.kind === "hold" && decision.request).toMatchObject({ orderId: null, checkoutId: "checkout-1" });
  });

  it("turns absent ids into null, so the body always has both fields", () => {
    const { orderId: _o, ...alert } = fraudAlert();
    const decision = decideHold(alert);
    expect(decision.kind === "hold" && Object.keys(decision.request)).toContain("orderId");
    expect(decision.kind === "hold" && decision.request.orderId).toBeNull();
  });

  it("skips an alert with neither an order nor a checkout id: there is nothing to hold", () => {
    const decision = decideHold(fraudAlert({ orderId: null, checkoutId: null, eventName: "Payment Attempted" }));
    expect(decision).toMatchObject({ kind: "skip", reason: "no_order_reference" });
  });

  it("skips alerts below the minimum score and holds those at or above it", () => {
    expect(decideHold(fraudAlert({ score: 79.9 }), { minScore: 80 })).toMatchObject({
      kind: "skip",
      reason: "below_min_score",
    });
    expect(decideHold(fraudAlert({ score: 80 }), { minScore: 80 }).kind).toBe("hold");
    expect(decideHold(fraudAlert({ score: 0 }), {}).kind).toBe("hold");
  });
});
