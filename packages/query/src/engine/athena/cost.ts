/**
 * Athena's price for a query: data scanned, rounded up to whole megabytes, with a per-query minimum.
 * The list price is $5 per TB with a 10 MB minimum (some regions differ, hence configurable). DDL and
 * failed queries are not charged, which is why the engine reports cost only for what it ran to success.
 */
export interface AthenaPricing {
  /** @default 5 */
  readonly usdPerTb: number;
  /** @default 10 */
  readonly minimumMb: number;
}

export const defaultAthenaPricing: AthenaPricing = { usdPerTb: 5, minimumMb: 10 };

const MB = 1024 ** 2;
const TB = 1024 ** 4;

/** Estimated USD for a query that scanned `bytesScanned`: AWS bills binary units (1 TB = 2^40 bytes). */
export function athenaCostUsd(bytesScanned: number, pricing: AthenaPricing = defaultAthenaPricing): number {
  const billedMb = Math.max(pricing.minimumMb, Math.ceil(Math.max(0, bytesScanned) / MB));
  return (billedMb * MB * pricing.usdPerTb) / TB;
}

/** `1.5 GB`-style size with binary units, as Athena's console shows data scanned. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** `$0.0000477` for tiny sums, cents for large ones: the figure an analyst compares across queries. */
export function formatUsd(usd: number): string {
  if (usd === 0) return "$0";
  return usd >= 0.01 ? `$${usd.toFixed(2)}` : `$${usd.toPrecision(3)}`;
}

export interface QueryStats {
  readonly queryExecutionId: string;
  readonly bytesScanned: number;
  /** Estimated from bytesScanned and the configured pricing. */
  readonly costUsd: number;
  /** Wall time from start to the final state, as this process measured it. */
  readonly elapsedMs: number;
  /** Athena's own figure for the engine's work, when it sent one. */
  readonly engineMs?: number;
}

/** The line a CLI prints after a query: `athena: 1.50 GB scanned, ~$0.00732 (at $5/TB, 10 MB minimum), 3.2 s, id …`. */
export function formatCostLine(stats: QueryStats, pricing: AthenaPricing = defaultAthenaPricing): string {
  return (
    `athena: ${formatBytes(stats.bytesScanned)} scanned, ~${formatUsd(stats.costUsd)} ` +
    `(at $${pricing.usdPerTb}/TB, ${pricing.minimumMb} MB minimum), ${(stats.elapsedMs / 1000).toFixed(1)} s, ` +
    `query ${stats.queryExecutionId}`
  );
}
