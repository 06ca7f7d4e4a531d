import type { QueryEngine, QueryParam, Row } from "../engine/types.js";

/** One statement to run on two engines: a view (`SELECT * FROM daily_funnel`) or a named query. */
export interface FidelityCase {
  readonly name: string;
  /** Athena's dialect (what Trino runs). */
  readonly sql: string;
  readonly params?: readonly QueryParam[];
  /** The translated form for an engine of DuckDB's dialect, when it differs (a catalogue question's). */
  readonly duckdb?: { readonly sql: string; readonly params?: readonly QueryParam[] };
}

export interface FidelityResult {
  readonly name: string;
  readonly equal: boolean;
  /** Whether row order was compared (the SQL ends in a top-level ORDER BY). */
  readonly ordered: boolean;
  /** What differs, in words, for a test failure message; empty when equal. */
  readonly differences: readonly string[];
  readonly expected: readonly Row[];
  readonly actual: readonly Row[];
}

const stripForScan = (sql: string) =>
  sql
    .replace(/--[^\n]*/g, "")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""');

/**
 * Whether the statement's result order is defined: an ORDER BY outside every parenthesis (not a window's
 * or a subquery's). Without one, engines may return rows in any order, so only the multiset is compared.
 */
export function hasTopLevelOrderBy(sql: string): boolean {
  const text = stripForScan(sql).toLowerCase();
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && c === "o" && /^order\s+by\b/.test(text.slice(i)) && !/[a-z0-9_]/.test(text[i - 1] ?? " ")) {
      return true;
    }
  }
  return false;
}

export interface CompareOptions {
  /** Relative tolerance for non-integer numbers: sums of doubles differ in the last bits between engines. */
  readonly relativeTolerance?: number;
}

const DEFAULT_TOLERANCE = 1e-9;

function valuesEqual(a: unknown, b: unknown, tolerance: number): boolean {
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    if (Number.isInteger(a) && Number.isInteger(b)) return a === b;
    return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b), 1);
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => valuesEqual(v, b[i], tolerance));
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => k in b && valuesEqual((a as Row)[k], (b as Row)[k], tolerance))
    );
  }
  return a === b;
}

/** A sort key that puts equal rows next to each other whichever engine produced them (numbers rounded). */
function sortKey(row: Row): string {
  return JSON.stringify(row, (_, value: unknown) => {
    if (typeof value === "bigint") return `${value}n`;
    if (typeof value === "number" && !Number.isInteger(value)) return Number(value.toPrecision(9));
    if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
    return value;
  });
}

const show = (value: unknown) =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);

/**
 * Compares two results under the row contract: the same columns, in the same order; the same rows (in the
 * same order when `ordered`, else as multisets); numbers equal, non-integers within a relative tolerance.
 */
export function compareRows(
  expected: readonly Row[],
  actual: readonly Row[],
  ordered: boolean,
  options: CompareOptions = {},
): string[] {
  const tolerance = options.relativeTolerance ?? DEFAULT_TOLERANCE;
  const differences: string[] = [];
  const columns = (rows: readonly Row[]) => Object.keys(rows[0] ?? {});
  if (expected.length > 0 && actual.length > 0 && show(columns(expected)) !== show(columns(actual))) {
    differences.push(`columns differ: ${show(columns(expected))} vs ${show(columns(actual))}`);
    return differences;
  }
  if (expected.length !== actual.length) differences.push(`row counts differ: ${expected.length} vs ${actual.length}`);
  const sort = (rows: readonly Row[]) =>
    ordered ? [...rows] : [...rows].sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : sortKey(x) > sortKey(y) ? 1 : 0));
  const left = sort(expected);
  const right = sort(actual);
  for (let i = 0; i < Math.max(left.length, right.length) && differences.length < 10; i++) {
    const a = left[i];
    const b = right[i];
    if (a === undefined || b === undefined || !valuesEqual(a, b, tolerance)) {
      const columnsThatDiffer = a && b ? Object.keys(a).filter((k) => !valuesEqual(a[k], b[k], tolerance)) : [];
      differences.push(
        `row ${i}${columnsThatDiffer.length > 0 ? ` (${columnsThatDiffer.join(", ")})` : ""}: ${show(a)} vs ${show(b)}`,
      );
    }
  }
  return differences;
}

/**
 * Runs each case on both engines and compares the results. `expected` is the reference (the local engine),
 * `actual` the engine under test (Trino). An engine error is a difference too, not a crash of the run.
 */
export async function compareEngines(
  cases: readonly FidelityCase[],
  engines: { readonly expected: QueryEngine; readonly actual: QueryEngine },
  options: CompareOptions = {},
): Promise<FidelityResult[]> {
  const results: FidelityResult[] = [];
  const attempt = async (engine: QueryEngine, c: FidelityCase): Promise<Row[] | Error> => {
    const form = engine.sqlDialect === "duckdb" && c.duckdb ? c.duckdb : c;
    try {
      return await engine.query(form.sql, form.params ?? []);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };
  for (const c of cases) {
    const ordered = hasTopLevelOrderBy(c.sql);
    const expected = await attempt(engines.expected, c);
    const actual = await attempt(engines.actual, c);
    const differences: string[] = [];
    if (expected instanceof Error) differences.push(`the reference engine failed: ${expected.message}`);
    if (actual instanceof Error) differences.push(`the engine under test failed: ${actual.message}`);
    if (!(expected instanceof Error) && !(actual instanceof Error)) {
      differences.push(...compareRows(expected, actual, ordered, options));
    }
    results.push({
      name: c.name,
      equal: differences.length === 0,
      ordered,
      differences,
      expected: expected instanceof Error ? [] : expected,
      actual: actual instanceof Error ? [] : actual,
    });
  }
  return results;
}
