import type { QueryEngine, Row } from "./engine/types.js";
import { ResultShapeError } from "./errors.js";

export interface RevenueByCurrency {
  /** null for orders that carried no currency. */
  readonly currency: string | null;
  readonly orders: number;
  readonly grossRevenue: number;
  /** Negative: refunds carry negative revenue. */
  readonly refunds: number;
  readonly netRevenue: number;
}

export interface Summary {
  readonly eventsByType: readonly { readonly event_type: string; readonly events: number }[];
  readonly sessions: number;
  readonly orders: number;
  readonly revenue: readonly RevenueByCurrency[];
  /** ISO-8601 UTC; null when there are no events. */
  readonly firstEventAt: string | null;
  readonly lastEventAt: string | null;
}

// Engine-neutral SQL over the tables and views every QueryEngine has (Athena returns numbers as text,
// hence the coercion below rather than trusting JS types).
export const summaryQueries = {
  eventsByType: `SELECT event_type, sum(events) AS events FROM events_by_type GROUP BY event_type ORDER BY events DESC, event_type`,
  sessions: `SELECT count(*) AS sessions FROM sessions`,
  revenue: `SELECT currency, sum(orders) AS orders, sum(gross_revenue) AS gross_revenue, sum(refunds) AS refunds, sum(net_revenue) AS net_revenue FROM daily_revenue GROUP BY currency ORDER BY currency`,
  eventTimeRange: `SELECT min(event_ts) AS first_event_at, max(event_ts) AS last_event_at FROM events`,
} as const;

function num(row: Row | undefined, column: string): number {
  const value = row?.[column];
  if (value === null || value === undefined) return 0; // sum() over no rows
  const n = typeof value === "string" ? Number(value) : typeof value === "bigint" ? Number(value) : value;
  if (typeof n !== "number" || Number.isNaN(n)) {
    throw new ResultShapeError(`expected a number in ${column}, got ${JSON.stringify(String(value))}`);
  }
  return n;
}

function text(row: Row | undefined, column: string): string | null {
  const value = row?.[column];
  if (value === null || value === undefined) return null;
  if (typeof value !== "string") throw new ResultShapeError(`expected text in ${column}, got ${typeof value}`);
  return value;
}

/** The headline numbers of the lake, from the views (so it checks them too). */
export async function summarize(engine: QueryEngine): Promise<Summary> {
  const byType = await engine.query(summaryQueries.eventsByType);
  const [sessions] = await engine.query(summaryQueries.sessions);
  const revenueRows = await engine.query(summaryQueries.revenue);
  const [range] = await engine.query(summaryQueries.eventTimeRange);
  const revenue = revenueRows.map((row) => ({
    currency: text(row, "currency"),
    orders: num(row, "orders"),
    grossRevenue: num(row, "gross_revenue"),
    refunds: num(row, "refunds"),
    netRevenue: num(row, "net_revenue"),
  }));
  return {
    eventsByType: byType.map((row) => ({ event_type: text(row, "event_type") ?? "", events: num(row, "events") })),
    sessions: num(sessions, "sessions"),
    orders: revenue.reduce((total, r) => total + r.orders, 0),
    revenue,
    firstEventAt: text(range, "first_event_at"),
    lastEventAt: text(range, "last_event_at"),
  };
}
