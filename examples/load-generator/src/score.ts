import type { FraudAlert, FraudReason } from "@shop/event-schema";
import type { Case, Scenario } from "./cases.js";
import type { Acks } from "./transport.js";

/** What the scorer needs of an alert record on alerts.fraud (the contract's FraudAlert), and when the record was written. */
export type SeenAlert = Pick<FraudAlert, "alertId" | "eventId" | "eventTs" | "score" | "threshold"> &
  Partial<Pick<FraudAlert, "orderId" | "checkoutId" | "userId" | "anonymousId" | "eventName">> & {
    reasons: Array<Pick<FraudReason, "code"> & Partial<FraudReason>>;
    /** The Kafka record's timestamp (epoch ms): when the job produced it. */
    producedAt: number;
  };

export interface Latency {
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface FraudScore {
  /** Alerts (unique alert ids) about this run's cases; repeats of an alert id are counted apart. */
  alerts: number;
  repeatedAlertIds: number;
  fraudCases: number;
  detected: number;
  /** Cases that must not alert (ordinary shoppers, hard negatives, a victim's own history) that did. */
  falseAlarms: number;
  precision: number;
  recall: number;
  /** From the collector's 2xx for the triggering event to the alert record, over alerts whose trigger was acked. */
  latency: Latency | null;
  byScenario: Record<string, { cases: number; alerted: number }>;
  missed: Array<{ caseId: string; scenario: Scenario }>;
  falseAlarmExamples: Array<{ caseId: string; scenario: Scenario; alertId: string; score: number; reasons: string[] }>;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function caseIndex(cases: readonly Case[]) {
  const by = {
    order: new Map<string, Case>(),
    checkout: new Map<string, Case>(),
    device: new Map<string, Case>(),
    user: new Map<string, Case>(),
  };
  for (const c of cases) {
    for (const id of c.orderIds) by.order.set(id, c);
    for (const id of c.checkoutIds) by.checkout.set(id, c);
    for (const id of c.anonymousIds) by.device.set(id, c);
    for (const id of c.userIds) by.user.set(id, c);
  }
  return (alert: SeenAlert): Case | undefined =>
    (alert.orderId && by.order.get(alert.orderId)) ||
    (alert.checkoutId && by.checkout.get(alert.checkoutId)) ||
    (alert.anonymousId && by.device.get(alert.anonymousId)) ||
    (alert.userId && by.user.get(alert.userId)) ||
    undefined;
}

/**
 * Case-level precision and recall of a labelled run. A fraud case is detected when an alert names it
 * (its order, checkout, device or account, in that order of preference) about an event from its
 * attack on; every other alerted case — and a fraud case alerted about its legitimate history — is a
 * false alarm. Alerts about nothing in `cases` (another run's) are ignored.
 */
export function scoreRun(cases: readonly Case[], alerts: readonly SeenAlert[], acks: Acks): FraudScore {
  const find = caseIndex(cases);
  const seen = new Set<string>();
  let repeatedAlertIds = 0;
  const detected = new Set<string>();
  const falseAlarms = new Map<string, { c: Case; alert: SeenAlert }>();
  const latencies: number[] = [];
  for (const alert of alerts) {
    const c = find(alert);
    if (!c) continue;
    if (seen.has(alert.alertId)) {
      repeatedAlertIds += 1;
      continue;
    }
    seen.add(alert.alertId);
    const acked = acks.get(alert.eventId)?.ackedAt;
    if (acked !== undefined) latencies.push(alert.producedAt - acked);
    const aboutAttack = Date.parse(alert.eventTs) >= Date.parse(c.startsAt);
    if (c.fraud && aboutAttack) detected.add(c.caseId);
    else {
      // A victim's history alerting is its own false alarm, apart from the attack.
      const key = c.fraud ? `${c.caseId}/history` : c.caseId;
      if (!falseAlarms.has(key)) falseAlarms.set(key, { c, alert });
    }
  }
  const fraud = cases.filter((c) => c.fraud);
  const byScenario: FraudScore["byScenario"] = {};
  for (const c of cases) {
    const row = byScenario[c.scenario] ?? { cases: 0, alerted: 0 };
    byScenario[c.scenario] = row;
    row.cases += 1;
    if (detected.has(c.caseId) || falseAlarms.has(c.caseId)) row.alerted += 1;
  }
  const sorted = latencies.sort((a, b) => a - b);
  const tp = detected.size;
  return {
    alerts: seen.size,
    repeatedAlertIds,
    fraudCases: fraud.length,
    detected: tp,
    falseAlarms: falseAlarms.size,
    precision: tp + falseAlarms.size === 0 ? 0 : tp / (tp + falseAlarms.size),
    recall: fraud.length === 0 ? 0 : tp / fraud.length,
    latency:
      sorted.length === 0
        ? null
        : {
            count: sorted.length,
            p50Ms: percentile(sorted, 50),
            p95Ms: percentile(sorted, 95),
            maxMs: sorted.at(-1) as number,
          },
    byScenario,
    missed: fraud.filter((c) => !detected.has(c.caseId)).map((c) => ({ caseId: c.caseId, scenario: c.scenario })),
    falseAlarmExamples: [...falseAlarms.values()].slice(0, 20).map(({ c, alert }) => ({
      caseId: c.caseId,
      scenario: c.scenario,
      alertId: alert.alertId,
      score: alert.score,
      reasons: alert.reasons.map((r) => r.code),
    })),
  };
}
