import { eventNames } from "@shop/event-schema";
import type { LocalEngine } from "@shop/query";

export type MinuteFigures = {
  minute: string;
  events: number;
  visitors: number;
  sessions: number;
  orders: number;
  /** All currencies together, to the cent: the lake keeps them apart, the sum is what must agree. */
  revenue: number;
  bot_events: number;
};

/**
 * Each minute's newest live_metrics revision (what a consumer of metrics.live ends with) beside the figures
 * @shop/query gives for that minute over unique_events (the contract's dedup rule, as the stream's), both for the
 * minutes `minuteFilter` keeps (SQL on `minute`, a timestamp), in one shape so that one toEqual shows every
 * difference. The stream's session is the SDK's session id, else the anonymous id, else the user id.
 */
export async function liveBesideLake(
  engine: LocalEngine,
  minuteFilter = "TRUE",
): Promise<{ live: MinuteFigures[]; lake: MinuteFigures[] }> {
  const ordered = `'${eventNames.order_completed}'`;
  const lake = await engine.query<MinuteFigures>(`
    SELECT strftime(minute, '%Y-%m-%dT%H:%M') AS minute, count(*)::INTEGER AS events,
      count(DISTINCT anonymous_id)::INTEGER AS visitors,
      count(DISTINCT coalesce(session_id, anonymous_id, user_id))::INTEGER AS sessions,
      count(*) FILTER (WHERE event_name = ${ordered})::INTEGER AS orders,
      coalesce(sum(revenue) FILTER (WHERE event_name = ${ordered}), 0)::DOUBLE AS revenue,
      count(*) FILTER (WHERE is_bot)::INTEGER AS bot_events
    FROM (SELECT *, date_trunc('minute', event_ts) AS minute FROM unique_events)
    WHERE ${minuteFilter} GROUP BY minute ORDER BY minute`);
  const live = await engine.query<Omit<MinuteFigures, "revenue"> & { revenue: string }>(`
    SELECT strftime(minute, '%Y-%m-%dT%H:%M') AS minute, events, visitors, active_sessions AS sessions, orders,
      revenue_json AS revenue, bot_events
    FROM live_metrics WHERE ${minuteFilter}
    QUALIFY row_number() OVER (PARTITION BY minute ORDER BY revision DESC) = 1
    ORDER BY minute`);
  const cents = (amount: number) => Math.round(amount * 100) / 100;
  const sum = (byCurrency: string) =>
    Object.values(JSON.parse(byCurrency) as Record<string, number>).reduce((a, b) => a + b, 0);
  return {
    live: live.map((row) => ({ ...row, revenue: cents(sum(row.revenue)) })),
    lake: lake.map((row) => ({ ...row, revenue: cents(row.revenue) })),
  };
}
