import { plot } from "asciichart";
import type { Row } from "../engine/types.js";

/** Which columns a chart draws: one dimension (text or time) and one numeric measure. */
export interface ChartColumns {
  readonly dimension: string;
  readonly measure: string;
}

export type ChartPick =
  | { readonly ok: true; readonly columns: ChartColumns }
  | { readonly ok: false; readonly problem: string };

const isNumber = (v: unknown) => typeof v === "number" || typeof v === "bigint";
const TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)?$/;

/**
 * The dimension and measure of a result: the ones asked for, else the only non-numeric column and the
 * only numeric one. A result with more of either needs `--dimension` / `--measure`.
 */
export function pickChartColumns(rows: readonly Row[], asked: Partial<ChartColumns> = {}): ChartPick {
  if (rows.length === 0) return { ok: false, problem: "no rows to chart" };
  const columns = Object.keys(rows[0] ?? {});
  const numeric = columns.filter(
    (c) => rows.every((r) => r[c] === null || isNumber(r[c])) && rows.some((r) => r[c] !== null),
  );
  const other = columns.filter((c) => !numeric.includes(c));
  for (const [flag, name] of Object.entries(asked)) {
    if (name !== undefined && !columns.includes(name)) {
      return { ok: false, problem: `--${flag} ${name}: the result has no such column (${columns.join(", ")})` };
    }
  }
  if (asked.measure !== undefined && !numeric.includes(asked.measure)) {
    return { ok: false, problem: `--measure ${asked.measure} is not numeric` };
  }
  const dimension = asked.dimension ?? (other.length === 1 ? other[0] : undefined);
  const measure =
    asked.measure ??
    (numeric.length === 1
      ? numeric[0]
      : numeric.filter((c) => c !== dimension).length === 1
        ? numeric.find((c) => c !== dimension)
        : undefined);
  if (dimension === undefined) {
    return {
      ok: false,
      problem: `a chart needs one dimension: pick one with --dimension (text columns: ${other.join(", ") || "none"})`,
    };
  }
  if (measure === undefined) {
    return {
      ok: false,
      problem: `a chart needs one measure: pick one with --measure (numeric columns: ${numeric.join(", ") || "none"})`,
    };
  }
  return { ok: true, columns: { dimension, measure } };
}

const label = (v: unknown) => (v === null || v === undefined ? "NULL" : String(v));

/** Horizontal bars, one per row in result order, scaled to the largest magnitude. */
export function barChart(rows: readonly Row[], { dimension, measure }: ChartColumns, width = 40): string {
  const labels = rows.map((r) => label(r[dimension]));
  const values = rows.map((r) => Number(r[measure] ?? 0));
  const max = Math.max(...values.map(Math.abs), 0);
  const labelWidth = Math.max(dimension.length, ...labels.map((l) => l.length));
  const lines = rows.map((_, i) => {
    const value = values[i] ?? 0;
    const length = max === 0 ? 0 : Math.round((Math.abs(value) / max) * width);
    // A negative value (a refund) is drawn in a lighter shade so it cannot be read as a positive one.
    const bar = (value < 0 ? "░" : "█").repeat(length);
    return `${(labels[i] ?? "").padEnd(labelWidth)} │${bar} ${label(rows[i]?.[measure])}`;
  });
  return `${`${dimension.padEnd(labelWidth)}   ${measure}`}\n${lines.join("\n")}\n`;
}

/** A line over time (asciichart), the first and last time under it. */
export function lineChart(rows: readonly Row[], { dimension, measure }: ChartColumns, height = 10): string {
  const values = rows.map((r) => Number(r[measure] ?? 0));
  const chart = plot(values, { height: Math.min(height, Math.max(2, new Set(values).size)) });
  const first = label(rows[0]?.[dimension]);
  const last = label(rows[rows.length - 1]?.[dimension]);
  return `${measure} by ${dimension}\n${chart}\n${first} … ${last} (${rows.length} points)\n`;
}

/** A line chart when the dimension is a date or time, else bars. */
export function drawChart(rows: readonly Row[], columns: ChartColumns): string {
  const isTime = rows.every(
    (r) => typeof r[columns.dimension] === "string" && TIME.test(r[columns.dimension] as string),
  );
  return isTime && rows.length > 1 ? lineChart(rows, columns) : barChart(rows, columns);
}
