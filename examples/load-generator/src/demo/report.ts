/**
 * The demo's final report, from what the query layer and the fraud scorer printed as JSON, and the check that it
 * has what a demo must show: a funnel, sessions, alerts, precision and recall. Pure: the CLI reads the files.
 */

export interface FunnelTotals {
  sessions: number;
  productViewed: number;
  addedToCart: number;
  checkoutStarted: number;
  ordered: number;
}

export interface Revenue {
  currency: string;
  orders: number;
  net: number;
}

export interface FraudFigures {
  alerts: number;
  fraudCases: number;
  detected: number;
  falseAlarms: number;
  precision: number | null;
  recall: number | null;
}

export interface DemoReport {
  events: number;
  sessions: number;
  orders: number;
  revenue: Revenue[];
  funnel: FunnelTotals;
  /** Null when the run had no labelled fraud (DEMO_FRAUD_CASES=0) or its score could not be read. */
  fraud: FraudFigures | null;
}

export interface DemoInputs {
  /** `shop-query summary --json`. */
  readonly summary: unknown;
  /** `shop-query run funnel_sessions --json`: rows per day, channel and device. */
  readonly funnel: unknown;
  /** `shop-fraud-score` output, or undefined when there is none. */
  readonly score: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A count or amount as the engines give it: a number, or a numeric string (bigints are printed as text). */
function numeric(v: unknown): number | undefined {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** Builds the report; every piece that is missing or malformed becomes a problem instead of an exception. */
export function buildReport(inputs: DemoInputs): { report: DemoReport; problems: string[] } {
  const problems: string[] = [];
  const count = (from: Record<string, unknown>, key: string, what: string): number => {
    const n = numeric(from[key]);
    if (n === undefined) problems.push(`${what}: ${key} is not a number (${JSON.stringify(from[key]) ?? "absent"})`);
    return n ?? 0;
  };

  const summary = isRecord(inputs.summary) ? inputs.summary : {};
  if (!isRecord(inputs.summary)) problems.push("summary: not a JSON object");
  const byType = Array.isArray(summary.eventsByType) ? summary.eventsByType : [];
  const events = byType.reduce<number>((total, row) => total + (isRecord(row) ? (numeric(row.events) ?? 0) : 0), 0);
  const revenue: Revenue[] = (Array.isArray(summary.revenue) ? summary.revenue : []).filter(isRecord).map((row) => ({
    currency: typeof row.currency === "string" ? row.currency : "(none)",
    orders: numeric(row.orders) ?? 0,
    net: numeric(row.netRevenue) ?? 0,
  }));
  const sessions = count(summary, "sessions", "summary");
  const orders = count(summary, "orders", "summary");

  const funnel: FunnelTotals = { sessions: 0, productViewed: 0, addedToCart: 0, checkoutStarted: 0, ordered: 0 };
  if (!Array.isArray(inputs.funnel)) problems.push("funnel_sessions: not a JSON array of rows");
  const columns: Array<[keyof FunnelTotals, string]> = [
    ["sessions", "sessions"],
    ["productViewed", "product_viewed"],
    ["addedToCart", "added_to_cart"],
    ["checkoutStarted", "checkout_started"],
    ["ordered", "ordered"],
  ];
  for (const row of Array.isArray(inputs.funnel) ? inputs.funnel : []) {
    if (!isRecord(row)) {
      problems.push("funnel_sessions: a row is not an object");
      continue;
    }
    for (const [key, column] of columns) funnel[key] += count(row, column, "funnel_sessions");
  }

  let fraud: FraudFigures | null = null;
  if (isRecord(inputs.score)) {
    const s = inputs.score;
    const rate = (key: string) => {
      const n = numeric(s[key]);
      return n !== undefined && n >= 0 && n <= 1 ? n : null;
    };
    const alerts = count(s, "alerts", "fraud score");
    const fraudCases = count(s, "fraudCases", "fraud score");
    const detected = count(s, "detected", "fraud score");
    const falseAlarms = count(s, "falseAlarms", "fraud score");
    // The scorer writes 0 for a ratio over nothing; without alerts or frauds there is no such figure to show.
    fraud = {
      alerts,
      fraudCases,
      detected,
      falseAlarms,
      precision: detected + falseAlarms > 0 ? rate("precision") : null,
      recall: fraudCases > 0 ? rate("recall") : null,
    };
  }

  const report: DemoReport = { events, sessions, orders, revenue, funnel, fraud };
  return { report, problems: [...problems, ...missing(report)] };
}

/** What a demo's report must show: events, sessions and a funnel from the lake, alerts scored with precision and recall. */
export function missing(report: DemoReport): string[] {
  const problems: string[] = [];
  if (report.events <= 0) problems.push("no events in the lake");
  if (report.sessions <= 0) problems.push("no sessions in the lake");
  if (report.funnel.sessions <= 0) problems.push("the funnel (funnel_sessions) counts no session");
  if (report.funnel.productViewed <= 0) problems.push("the funnel has no session that viewed a product");
  if (report.fraud === null) {
    problems.push("no fraud score (alerts against the labels)");
  } else {
    if (report.fraud.alerts <= 0) problems.push("no fraud alert about the run's cases");
    if (report.fraud.precision === null) problems.push("no precision in the fraud score");
    if (report.fraud.recall === null) problems.push("no recall in the fraud score");
  }
  return problems;
}

const pct = (n: number | null) => (n === null ? "n/a" : `${(n * 100).toFixed(1)}%`);
const share = (part: number, whole: number) => (whole > 0 ? ` (${((part / whole) * 100).toFixed(1)}%)` : "");

/** The report as the demo prints it. */
export function formatReport(report: DemoReport): string {
  const f = report.funnel;
  const lines = [
    `Events in the lake: ${report.events}`,
    `Sessions:           ${report.sessions}`,
    `Orders:             ${report.orders}`,
    ...report.revenue.map((r) => `Revenue, net:       ${r.net.toFixed(2)} ${r.currency} over ${r.orders} order(s)`),
    "Funnel (funnel_sessions, all days):",
    `  sessions          ${f.sessions}`,
    `  viewed a product  ${f.productViewed}${share(f.productViewed, f.sessions)}`,
    `  added to cart     ${f.addedToCart}${share(f.addedToCart, f.sessions)}`,
    `  started checkout  ${f.checkoutStarted}${share(f.checkoutStarted, f.sessions)}`,
    `  ordered           ${f.ordered}${share(f.ordered, f.sessions)}`,
  ];
  if (report.fraud) {
    const x = report.fraud;
    lines.push(
      `Fraud alerts about this run: ${x.alerts}; frauds injected ${x.fraudCases}, detected ${x.detected}, false alarms ${x.falseAlarms}`,
      `  precision ${pct(x.precision)}  recall ${pct(x.recall)}`,
    );
  } else {
    lines.push("Fraud alerts: not scored (no labelled fraud in this run)");
  }
  return `${lines.join("\n")}\n`;
}
