/** One UTC day's figures for the historical tab, from the query layer's catalogue questions. */
export interface DayFigures {
  readonly day: string;
  readonly sessions: number;
  readonly funnel: {
    readonly productViewed: number;
    readonly addedToCart: number;
    readonly checkoutStarted: number;
    readonly ordered: number;
  };
  readonly orders: number;
  /** Net revenue (refunds deducted) by currency. */
  readonly revenue: Readonly<Record<string, number>>;
}

export interface DayComparison {
  readonly today: DayFigures;
  readonly yesterday: DayFigures;
}

/** A row of `funnel_sessions` (one per day, channel and device). */
export interface FunnelRow {
  readonly day: unknown;
  readonly sessions: unknown;
  readonly product_viewed: unknown;
  readonly added_to_cart: unknown;
  readonly checkout_started: unknown;
  readonly ordered: unknown;
}

/** A row of `revenue_by_campaign` for one day (one per campaign, channel and currency). */
export interface RevenueRow {
  readonly currency: unknown;
  readonly orders: unknown;
  readonly net_revenue: unknown;
}

/** Engines return BIGINT counts as bigint (DuckDB) or numbers; dates as strings or Date. */
const num = (value: unknown): number => (typeof value === "bigint" ? Number(value) : Number(value ?? 0)) || 0;
const dayText = (value: unknown): string =>
  value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);

export const utcDay = (date: Date, offsetDays = 0): string =>
  new Date(date.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);

function dayFigures(day: string, funnel: readonly FunnelRow[], revenue: readonly RevenueRow[]): DayFigures {
  const rows = funnel.filter((r) => dayText(r.day) === day);
  const sum = (pick: (r: FunnelRow) => unknown) => rows.reduce((total, r) => total + num(pick(r)), 0);
  const byCurrency: Record<string, number> = {};
  let orders = 0;
  for (const r of revenue) {
    const currency = r.currency === null || r.currency === undefined ? "???" : String(r.currency);
    byCurrency[currency] = Math.round(((byCurrency[currency] ?? 0) + num(r.net_revenue)) * 100) / 100;
    orders += num(r.orders);
  }
  return {
    day,
    sessions: sum((r) => r.sessions),
    funnel: {
      productViewed: sum((r) => r.product_viewed),
      addedToCart: sum((r) => r.added_to_cart),
      checkoutStarted: sum((r) => r.checkout_started),
      ordered: sum((r) => r.ordered),
    },
    orders,
    revenue: byCurrency,
  };
}

/** Folds the questions' rows (split by channel, device, campaign) into one figure set per day. */
export function compareDays(
  now: Date,
  funnel: readonly FunnelRow[],
  revenueToday: readonly RevenueRow[],
  revenueYesterday: readonly RevenueRow[],
): DayComparison {
  return {
    today: dayFigures(utcDay(now), funnel, revenueToday),
    yesterday: dayFigures(utcDay(now, -1), funnel, revenueYesterday),
  };
}
