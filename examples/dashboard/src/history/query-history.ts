import { createEngine, findQuestion, resolveEngineConfig, runQuestion } from "@shop/query";
import { compareDays, type DayComparison, type FunnelRow, type RevenueRow, utcDay } from "./compare.js";

export type Env = Readonly<Record<string, string | undefined>>;

/** Answers the historical tab; the server depends on this interface only. */
export interface HistorySource {
  todayVsYesterday(now: Date): Promise<DayComparison>;
}

/**
 * Asks @shop/query's catalogue (`funnel_sessions`, `revenue_by_campaign`) on the engine the environment
 * chooses (the local DuckDB engine over the lake by default, Athena with SHOP_QUERY_ENGINE=athena). The
 * engine is opened per request and closed after: the lake changes every few minutes and the local engine
 * syncs only two days' partitions, so a fresh one is cheap and never serves a stale copy.
 */
export function queryHistory(env: Env): HistorySource {
  return {
    async todayVsYesterday(now) {
      const from = utcDay(now, -1);
      const to = utcDay(now);
      const engine = await createEngine(resolveEngineConfig(env, { from, to }));
      try {
        const funnel = await runQuestion<FunnelRow & Record<string, unknown>>(
          engine,
          findQuestion("funnel_sessions"),
          { from, to },
          { now },
        );
        const revenue = findQuestion("revenue_by_campaign");
        const today = await runQuestion<RevenueRow & Record<string, unknown>>(
          engine,
          revenue,
          { from: to, to },
          { now },
        );
        const yesterday = await runQuestion<RevenueRow & Record<string, unknown>>(
          engine,
          revenue,
          { from, to: from },
          { now },
        );
        return compareDays(now, funnel, today, yesterday);
      } finally {
        await engine.close();
      }
    },
  };
}
