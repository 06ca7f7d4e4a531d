import { DuckDBTypeId, type JS } from "@duckdb/node-api";
import type { Row } from "../types.js";

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);

const iso = (date: Date): string => (Number.isNaN(date.getTime()) ? String(date) : date.toISOString());

/**
 * DuckDB's JS values → the engine-neutral row values of QueryEngine. DuckDB widens aggregates (count_if
 * and sum of BIGINT are HUGEINT) where Athena returns bigint, so every integer that fits becomes a number.
 */
export function plainValue(value: JS): unknown {
  if (value === null || typeof value !== "object") {
    if (typeof value === "bigint") return value >= SAFE_MIN && value <= SAFE_MAX ? Number(value) : value;
    return value;
  }
  if (value instanceof Date) return iso(value);
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(plainValue);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plainValue(inner as JS)]));
}

/** DATE arrives as a JS Date at midnight UTC; as a value it is the day alone. */
function plainColumnValue(value: JS, typeId: DuckDBTypeId): unknown {
  if (typeId === DuckDBTypeId.DATE && value instanceof Date) return iso(value).slice(0, 10);
  return plainValue(value);
}

export function plainRows(names: readonly string[], typeIds: readonly DuckDBTypeId[], rows: readonly JS[][]): Row[] {
  return rows.map((row) => {
    const out: Row = {};
    names.forEach((name, i) => {
      out[name] = plainColumnValue(row[i] ?? null, typeIds[i] ?? DuckDBTypeId.INVALID);
    });
    return out;
  });
}
