import { describe, expect, it } from "vitest";
import { type Case, newCase } from "../src/cases.js";
import { percentile, type SeenAlert, scoreRun } from "../src/score.js";

const startsAt = Date.parse("2026-12-05T12:00:00Z");
const at = (minutes: number) => new Date(startsAt + minutes * 60_000).toISOString();

function aCase(id: string, scenario: Case["scenario"], ids: Partial<Case> = {}): Case {
  return { ...newCase(id, scenario, startsAt), ...ids };
}

let n = 0;
function alert(fields: Partial<SeenAlert>): SeenAlert {
  n += 1;
  return {
    alertId: `a${n}`,
    eventId: `e${n}`,
    eventTs: at(1),
    score: 70,
    threshold: 60,
    reasons: [{ code: "card_testing.device" }],
    producedAt: 0,
    ...fields,
  };
}

describe("scoreRun", () => {
  const cases = [
    aCase("c1", "card_testing", { checkoutIds: ["chk-1"], anonymousIds: ["dev-1"] }),
    aCase("c2", "account_takeover", { orderIds: ["o-2", "o-2-old"], userIds: ["u-2"] }),
    aCase("c3", "bot_checkout", { anonymousIds: ["dev-3"] }),
    aCase("c4", "traveller", { orderIds: ["o-4"], userIds: ["u-4"] }),
    aCase("c5", "shopper", { anonymousIds: ["dev-5"] }),
  ];

  it("counts a fraud case found once, however many alerts name it, and a hard negative's alert as a false alarm", () => {
    const score = scoreRun(
      cases,
      [
        alert({ checkoutId: "chk-1" }),
        alert({ checkoutId: "chk-1" }),
        alert({ orderId: "o-2" }),
        alert({ orderId: "o-4" }),
        alert({ orderId: "someone-elses" }),
      ],
      new Map(),
    );
    expect(score).toMatchObject({ alerts: 4, fraudCases: 3, detected: 2, falseAlarms: 1 });
    expect(score.precision).toBeCloseTo(2 / 3);
    expect(score.recall).toBeCloseTo(2 / 3);
    expect(score.missed).toEqual([{ caseId: "c3", scenario: "bot_checkout" }]);
    expect(score.byScenario.traveller).toEqual({ cases: 1, alerted: 1 });
    expect(score.falseAlarmExamples[0]).toMatchObject({ caseId: "c4", reasons: ["card_testing.device"] });
  });

  it("matches by order, then checkout, then device, then account", () => {
    const score = scoreRun(
      cases,
      [alert({ orderId: "o-4", anonymousId: "dev-1" }), alert({ userId: "u-2" })],
      new Map(),
    );
    expect(score.detected).toBe(1); // u-2 → the takeover
    expect(score.falseAlarms).toBe(1); // o-4 wins over dev-1 → the traveller
  });

  it("calls an alert about a victim's history before the attack a false alarm, apart from the attack", () => {
    const score = scoreRun(
      cases,
      [alert({ orderId: "o-2-old", eventTs: at(-3 * 24 * 60) }), alert({ orderId: "o-2" })],
      new Map(),
    );
    expect(score).toMatchObject({ detected: 1, falseAlarms: 1 });
  });

  it("counts a repeated alert id once and reports it", () => {
    const first = alert({ checkoutId: "chk-1" });
    const score = scoreRun(cases, [first, { ...first, producedAt: 5 }], new Map());
    expect(score).toMatchObject({ alerts: 1, repeatedAlertIds: 1, detected: 1 });
  });

  it("measures latency from the trigger's acknowledgement to the alert record, for alerts whose trigger was acked", () => {
    const acked = { ackedAt: 1_000, eventAt: 900 };
    const acks = new Map([
      ["x1", acked],
      ["x2", acked],
      ["x3", acked],
    ]);
    const score = scoreRun(
      cases,
      [
        alert({ eventId: "x1", checkoutId: "chk-1", producedAt: 1_400 }),
        alert({ eventId: "x2", anonymousId: "dev-3", producedAt: 3_000 }),
        alert({ eventId: "x3", orderId: "o-2", producedAt: 1_900 }),
        alert({ eventId: "not-acked", orderId: "o-2", producedAt: 99_000 }),
      ],
      acks,
    );
    expect(score.latency).toEqual({ count: 3, p50Ms: 900, p95Ms: 2_000, maxMs: 2_000 });
  });

  it("gives no latency and zero figures for a run without alerts", () => {
    const score = scoreRun(cases, [], new Map());
    expect(score).toMatchObject({ alerts: 0, detected: 0, precision: 0, recall: 0, latency: null });
  });
});

describe("percentile", () => {
  it("is the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});
