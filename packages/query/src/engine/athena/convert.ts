import { ResultShapeError } from "../../errors.js";
import type { Row } from "../types.js";

/** A column of Athena's `ResultSetMetadata`: its name and the Trino type name Athena reports. */
export interface AthenaColumn {
  readonly name: string;
  readonly type: string;
}

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const INTEGER = /^-?\d+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
// Athena prints timestamps as `2026-11-28 10:00:00.000` (any number of fraction digits, maybe none),
// `timestamp with time zone` with a zone after a space: `UTC`, or an offset like `+02:00`.
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?: (UTC|Z|[+-]\d{2}:\d{2}))?$/;

const fail = (column: AthenaColumn, text: string): never => {
  throw new ResultShapeError(`column ${column.name} (${column.type}): cannot read ${JSON.stringify(text)}`);
};

function integer(column: AthenaColumn, text: string): number | bigint {
  if (!INTEGER.test(text)) return fail(column, text);
  const value = BigInt(text);
  return value >= SAFE_MIN && value <= SAFE_MAX ? Number(value) : value;
}

function float(column: AthenaColumn, text: string): number {
  // Trino prints the special values as NaN, Infinity and -Infinity, which Number() reads as they are.
  const value = Number(text);
  if (text.trim() === "" || (Number.isNaN(value) && text !== "NaN")) return fail(column, text);
  return value;
}

function timestamp(column: AthenaColumn, text: string, zoned: boolean): string {
  const match = TIMESTAMP.exec(text);
  if (!match || (zoned && match[4] === undefined) || (!zoned && match[4] !== undefined)) return fail(column, text);
  const [, day, time, fraction = "", zone] = match;
  const ms = fraction.padEnd(3, "0").slice(0, 3);
  const offset = zone === undefined || zone === "UTC" || zone === "Z" ? "Z" : zone;
  const date = new Date(`${day}T${time}.${ms}${offset}`);
  if (Number.isNaN(date.getTime())) return fail(column, text);
  return date.toISOString();
}

/**
 * One of Athena's text values → the engine-neutral row value of QueryEngine, by the column's type.
 * `undefined` is Athena's NULL (a Datum without VarCharValue); an empty string stays an empty string.
 * Types without a row-contract form (arrays, maps, rows, varbinary, time, intervals) stay Athena's text.
 */
export function athenaValue(column: AthenaColumn, text: string | undefined): unknown {
  if (text === undefined) return null;
  // `decimal(10,2)`, `timestamp(3) with time zone`: the first word decides.
  const type = column.type.toLowerCase().split(/[\s(]/)[0];
  switch (type) {
    case "tinyint":
    case "smallint":
    case "integer":
    case "int":
    case "bigint":
      return integer(column, text);
    case "double":
    case "real":
    case "float":
    case "decimal":
      return float(column, text);
    case "boolean":
      if (text === "true") return true;
      if (text === "false") return false;
      return fail(column, text);
    case "date":
      return DATE.test(text) ? text : fail(column, text);
    case "timestamp":
      return timestamp(column, text, column.type.toLowerCase().includes("with time zone"));
    default:
      return text;
  }
}

/** Rows of `GetQueryResults` (`Data[].VarCharValue`) → plain rows keyed by the metadata's column names. */
export function athenaRows(
  columns: readonly AthenaColumn[],
  rows: readonly { readonly Data?: readonly { readonly VarCharValue?: string }[] }[],
): Row[] {
  return rows.map((row) => {
    const data = row.Data ?? [];
    if (data.length !== columns.length) {
      throw new ResultShapeError(`Athena sent a row of ${data.length} values for ${columns.length} columns`);
    }
    const out: Row = {};
    columns.forEach((column, i) => {
      out[column.name] = athenaValue(column, data[i]?.VarCharValue);
    });
    return out;
  });
}
