import { type AthenaPricing, formatBytes, formatCostLine, formatUsd, type QueryStats } from "../engine/athena/cost.js";

/**
 * The line printed on stderr after a command's results on Athena: the query's own cost line, or for a
 * command that ran several (`summary`) their total. Each query is billed on its own, minimum included,
 * so the total is the sum of the per-query estimates, not the estimate of the summed bytes.
 */
export function cliCostLine(stats: readonly QueryStats[], pricing: AthenaPricing): string | undefined {
  const [only] = stats;
  if (only === undefined) return undefined;
  if (stats.length === 1) return formatCostLine(only, pricing);
  const total = (pick: (s: QueryStats) => number) => stats.reduce((sum, s) => sum + pick(s), 0);
  return (
    `athena: ${stats.length} queries, ${formatBytes(total((s) => s.bytesScanned))} scanned, ` +
    `~${formatUsd(total((s) => s.costUsd))} (at $${pricing.usdPerTb}/TB, ${pricing.minimumMb} MB minimum each), ` +
    `${(total((s) => s.elapsedMs) / 1000).toFixed(1)} s`
  );
}
