/**
 * Ground truth of a labelled run, written apart from the events (labels.jsonl): one case per simulated
 * shopper or attack, with the ids an alert about it would carry. The scorer (fraud-score.ts) matches
 * alerts to cases by those ids.
 */
export const fraudScenarios = ["card_testing", "account_takeover", "bot_checkout"] as const;
export const hardNegativeScenarios = ["big_spender", "traveller", "declined_once"] as const;
export type FraudScenario = (typeof fraudScenarios)[number];
export type HardNegativeScenario = (typeof hardNegativeScenarios)[number];
export type Scenario = "shopper" | "account_history" | FraudScenario | HardNegativeScenario;

export interface Case {
  caseId: string;
  scenario: Scenario;
  /** Whether an alert about this case is right (a fraud) or a false alarm. */
  fraud: boolean;
  /** Devices (SDK anonymous ids), accounts, orders and checkouts of this case, and only of it. */
  anonymousIds: string[];
  userIds: string[];
  orderIds: string[];
  checkoutIds: string[];
  /**
   * When the case's decisive part begins (the attack, for a fraud), ISO-8601. Events before it are the
   * case's legitimate history (a customer's earlier orders): an alert about one of them is a false alarm.
   */
  startsAt: string;
}

export function newCase(caseId: string, scenario: Scenario, startsAt: number): Case {
  return {
    caseId,
    scenario,
    fraud: (fraudScenarios as readonly string[]).includes(scenario),
    anonymousIds: [],
    userIds: [],
    orderIds: [],
    checkoutIds: [],
    startsAt: new Date(startsAt).toISOString(),
  };
}
