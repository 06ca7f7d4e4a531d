import type { FraudAlert, LiveMetrics } from "@shop/event-schema";

/**
 * What the dashboard knows: the latest revision of each recent minute and the latest fraud alerts.
 * Pure and immutable: every change returns a new state, so the server can hand a snapshot to a new
 * SSE client while records keep arriving.
 */
export interface DashboardState {
  /** By minute (ISO start), the highest revision seen. */
  readonly minutes: ReadonlyMap<string, LiveMetrics>;
  /** Newest first (alertTs, then alertId), one per alertId. */
  readonly alerts: readonly FraudAlert[];
  readonly limits: StateLimits;
}

export interface StateLimits {
  /** Minutes kept behind the newest one. @default 60 */
  readonly windowMinutes: number;
  /** Alerts kept. @default 50 */
  readonly maxAlerts: number;
}

export const DEFAULT_LIMITS: StateLimits = { windowMinutes: 60, maxAlerts: 50 };

export function emptyState(limits: Partial<StateLimits> = {}): DashboardState {
  return { minutes: new Map(), alerts: [], limits: { ...DEFAULT_LIMITS, ...limits } };
}

export type MinuteOutcome = "new_minute" | "revised" | "stale_revision" | "too_old";

const MINUTE_MS = 60_000;

/**
 * Keeps the record when its minute is new or its revision is higher than the one kept. An equal or lower
 * revision is a redelivery or arrives out of order (the topic is keyed by minute, so revisions of one
 * minute share a partition, but a restart reads them again): it changes nothing.
 */
export function applyMinute(
  state: DashboardState,
  record: LiveMetrics,
): { state: DashboardState; outcome: MinuteOutcome } {
  const time = Date.parse(record.minute);
  const newest = newestMinuteMs(state);
  if (newest !== undefined && time <= newest - state.limits.windowMinutes * MINUTE_MS) {
    return { state, outcome: "too_old" };
  }
  const key = new Date(time).toISOString();
  const kept = state.minutes.get(key);
  if (kept && kept.revision >= record.revision) return { state, outcome: "stale_revision" };

  const cutoff = Math.max(newest ?? time, time) - state.limits.windowMinutes * MINUTE_MS;
  const minutes = new Map<string, LiveMetrics>();
  for (const [k, v] of state.minutes) if (Date.parse(k) > cutoff) minutes.set(k, v);
  minutes.set(key, record);
  return { state: { ...state, minutes }, outcome: kept ? "revised" : "new_minute" };
}

export type AlertOutcome = "added" | "duplicate" | "too_old";

const newerFirst = (a: FraudAlert, b: FraudAlert) =>
  Date.parse(b.alertTs) - Date.parse(a.alertTs) || (a.alertId < b.alertId ? -1 : a.alertId > b.alertId ? 1 : 0);

/**
 * Adds an alert unless its id is already listed. A replay after a job crash raises the same id with a
 * later alertTs: the first one seen stays, so the list does not jump around during a replay.
 */
export function applyAlert(state: DashboardState, alert: FraudAlert): { state: DashboardState; outcome: AlertOutcome } {
  if (state.alerts.some((a) => a.alertId === alert.alertId)) return { state, outcome: "duplicate" };
  const alerts = [...state.alerts, alert].sort(newerFirst).slice(0, state.limits.maxAlerts);
  if (!alerts.includes(alert)) return { state, outcome: "too_old" };
  return { state: { ...state, alerts }, outcome: "added" };
}

function newestMinuteMs(state: DashboardState): number | undefined {
  let newest: number | undefined;
  for (const key of state.minutes.keys()) {
    const t = Date.parse(key);
    if (newest === undefined || t > newest) newest = t;
  }
  return newest;
}

export interface ProductTotal {
  readonly productId: string;
  readonly count: number;
}

/** The figures the page shows, derived from the state; everything here is plain JSON. */
export interface DashboardView {
  /** The newest minute as published (its latest revision), or null before the first record. */
  readonly current: LiveMetrics | null;
  /** Seconds from the newest revision's computedAt to `now` (how stale the headline is). */
  readonly lagSeconds: number | null;
  /** Per minute, oldest first: for the chart. */
  readonly series: readonly SeriesPoint[];
  /** Over the kept window. */
  readonly window: WindowTotals;
  readonly alerts: readonly FraudAlert[];
}

export interface SeriesPoint {
  readonly minute: string;
  readonly eventsPerSecond: number;
  readonly activeSessions: number;
  readonly orders: number;
  readonly botShare: number;
}

export interface WindowTotals {
  readonly minutes: number;
  readonly events: number;
  readonly orders: number;
  /** Bot events over all events of the window (0 without events): a share weighted by traffic. */
  readonly botShare: number;
  readonly revenue: Readonly<Record<string, number>>;
  /**
   * Sums of the minutes' top lists. Each minute carries its top 10 only, so a product that is 11th in
   * every minute is missing here: a ranking of the hour's clear leaders, not exact counts.
   */
  readonly topProductsViewed: readonly ProductTotal[];
  readonly topProductsBought: readonly ProductTotal[];
}

export const TOP_SHOWN = 5;

function topOf(lists: Iterable<readonly ProductTotal[]>): ProductTotal[] {
  const sums = new Map<string, number>();
  for (const list of lists) for (const p of list) sums.set(p.productId, (sums.get(p.productId) ?? 0) + p.count);
  return [...sums]
    .map(([productId, count]) => ({ productId, count }))
    .sort((a, b) => b.count - a.count || (a.productId < b.productId ? -1 : 1))
    .slice(0, TOP_SHOWN);
}

/** Rounds money sums to cents: float additions of many minutes would otherwise show 120.49999999. */
const cents = (value: number) => Math.round(value * 100) / 100;

export function viewOf(state: DashboardState, now: Date): DashboardView {
  const records = [...state.minutes.values()].sort((a, b) => Date.parse(a.minute) - Date.parse(b.minute));
  const current = records.at(-1) ?? null;
  let events = 0;
  let botEvents = 0;
  let orders = 0;
  const revenue: Record<string, number> = {};
  for (const r of records) {
    events += r.events;
    botEvents += r.botEvents;
    orders += r.orders;
    for (const [currency, amount] of Object.entries(r.revenue) as [string, number][])
      revenue[currency] = (revenue[currency] ?? 0) + amount;
  }
  for (const currency of Object.keys(revenue)) revenue[currency] = cents(revenue[currency] ?? 0);
  return {
    current,
    lagSeconds: current ? Math.max(0, (now.getTime() - Date.parse(current.computedAt)) / 1000) : null,
    series: records.map((r) => ({
      minute: new Date(Date.parse(r.minute)).toISOString(),
      eventsPerSecond: r.eventsPerSecond,
      activeSessions: r.activeSessions,
      orders: r.orders,
      botShare: r.botShare,
    })),
    window: {
      minutes: records.length,
      events,
      orders,
      botShare: events === 0 ? 0 : botEvents / events,
      revenue,
      topProductsViewed: topOf(records.map((r) => r.topProductsViewed)),
      topProductsBought: topOf(records.map((r) => r.topProductsBought)),
    },
    alerts: state.alerts,
  };
}
