import type { Row } from "../engine/types.js";
import type { Summary } from "../summary.js";

/** JSON with bigint (integers beyond 2^53) as text, which JSON.stringify would otherwise refuse. */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);

function cell(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

const isNumeric = (value: unknown) => typeof value === "number" || typeof value === "bigint";

/** A plain-text table: header, rule, rows (numbers right-aligned), then the row count. */
export function formatTable(rows: readonly Row[], options: { rightAlign?: readonly string[] } = {}): string {
  if (rows.length === 0) return "(0 rows)\n";
  const columns = Object.keys(rows[0] ?? {});
  const cells = rows.map((row) => columns.map((c) => cell(row[c])));
  const numeric = columns.map(
    (c) => options.rightAlign?.includes(c) || rows.every((row) => row[c] === null || isNumeric(row[c])),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (values: readonly string[], alignRight: readonly boolean[]) =>
    values
      .map((v, i) => (alignRight[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const out = [
    line(columns, numeric),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.map((r) => line(r, numeric)),
    `(${rows.length} ${rows.length === 1 ? "row" : "rows"})`,
  ];
  return `${out.join("\n")}\n`;
}

export type OutputFormat = "table" | "csv" | "json";
export const outputFormats: readonly OutputFormat[] = ["table", "csv", "json"];

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; NULL is empty. */
function csvField(value: unknown): string {
  const text = value === null || value === undefined ? "" : cell(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 CSV: a header line, then one line per row, CRLF line ends. No rows: no output at all. */
export function formatCsv(rows: readonly Row[]): string {
  if (rows.length === 0) return "";
  const columns = Object.keys(rows[0] ?? {});
  return [columns, ...rows.map((row) => columns.map((c) => row[c]))]
    .map((values) => `${values.map(csvField).join(",")}\r\n`)
    .join("");
}

export function formatRows(rows: readonly Row[], format: OutputFormat): string {
  if (format === "json") return `${toJson(rows)}\n`;
  if (format === "csv") return formatCsv(rows);
  return formatTable(rows);
}

const money = (n: number) => n.toFixed(2);

export function formatSummary(summary: Summary): string {
  const sections = [
    "Events by type",
    formatTable(summary.eventsByType),
    `Sessions: ${summary.sessions}`,
    `Orders:   ${summary.orders}`,
    "",
    "Revenue by currency",
    formatTable(
      summary.revenue.map((r) => ({
        currency: r.currency,
        orders: r.orders,
        gross: money(r.grossRevenue),
        refunds: money(r.refunds),
        net: money(r.netRevenue),
      })),
      { rightAlign: ["gross", "refunds", "net"] },
    ),
    summary.firstEventAt ? `Event time: ${summary.firstEventAt} .. ${summary.lastEventAt}` : "Event time: no events",
  ];
  return `${sections.join("\n")}\n`;
}
