import { ResultShapeError } from "../../errors.js";
import type { Row } from "../types.js";
import type { TrinoColumn, TrinoTypeSignature } from "./protocol.js";

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);

/** A converter for one column's values, built once from its type signature and applied to every row. */
type Convert = (value: unknown, column: string) => unknown;

const fail = (column: string, type: string, value: unknown): never => {
  throw new ResultShapeError(`column ${column}: Trino sent ${JSON.stringify(String(value))} for type ${type}`);
};

const integer: Convert = (value, column) => {
  if (typeof value === "bigint") return value >= SAFE_MIN && value <= SAFE_MAX ? Number(value) : value;
  if (typeof value === "number" && Number.isInteger(value)) return value;
  return fail(column, "integer", value);
};

// Trino sends NaN and ±Infinity as strings; everything else as a JSON number.
const NON_FINITE: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Infinity, "-Infinity": -Infinity };
const floating: Convert = (value, column) => {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value in NON_FINITE) return NON_FINITE[value];
  return fail(column, "double", value);
};

// DECIMAL arrives as text ("12.345"); as a number it has the precision every other engine's DOUBLE has.
const decimal: Convert = (value, column) => {
  const n = typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isNaN(n) ? fail(column, "decimal", value) : n;
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const date: Convert = (value, column) =>
  typeof value === "string" && DATE.test(value) ? value : fail(column, "date", value);

// `2026-11-28 10:05:00.123` (any number of fraction digits, none included); naive, and UTC by the row contract.
const TIMESTAMP = /^(-?\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?: (.+))?$/;

const millis = (fraction: string | undefined) => (fraction ?? "").padEnd(3, "0").slice(0, 3);

/** The offset of a named zone at a UTC instant, in minutes (Intl knows the tz database). */
function zoneOffsetMinutes(zone: string, utcMillis: number, column: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    }).formatToParts(new Date(utcMillis));
  } catch {
    return fail(column, "timestamp with time zone", zone);
  }
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((local - Math.floor(utcMillis / 1000) * 1000) / 60_000);
}

const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

/** A wall-clock time in a zone → the UTC instant, as `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
function zonedToUtc(day: string, time: string, fraction: string | undefined, zone: string, column: string): string {
  const wall = Date.parse(`${day}T${time}.${millis(fraction)}Z`);
  if (Number.isNaN(wall)) return fail(column, "timestamp with time zone", `${day} ${time} ${zone}`);
  const offset = OFFSET.exec(zone);
  let minutes: number;
  if (zone === "UTC" || zone === "Z") minutes = 0;
  else if (offset) minutes = (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
  else {
    // The offset at the wall time read as UTC, then once more at the corrected instant (DST edges).
    minutes = zoneOffsetMinutes(zone, wall, column);
    minutes = zoneOffsetMinutes(zone, wall - minutes * 60_000, column);
  }
  return new Date(wall - minutes * 60_000).toISOString();
}

const timestamp: Convert = (value, column) => {
  const match = typeof value === "string" ? TIMESTAMP.exec(value) : null;
  if (!match || match[4] !== undefined) return fail(column, "timestamp", value);
  const [, day, time, fraction] = match as unknown as [string, string, string, string | undefined];
  return `${day}T${time}.${millis(fraction)}Z`;
};

const timestampWithZone: Convert = (value, column) => {
  const match = typeof value === "string" ? TIMESTAMP.exec(value) : null;
  if (!match || match[4] === undefined) return fail(column, "timestamp with time zone", value);
  const [, day, time, fraction, zone] = match as unknown as [string, string, string, string | undefined, string];
  return zonedToUtc(day, time, fraction, zone, column);
};

const text: Convert = (value, column) => (typeof value === "string" ? value : fail(column, "varchar", value));
const boolean: Convert = (value, column) => (typeof value === "boolean" ? value : fail(column, "boolean", value));
// VARBINARY is base64 on the wire; DuckDB's engine returns a Uint8Array for BLOB, so this one does too.
const binary: Convert = (value, column) =>
  typeof value === "string" ? new Uint8Array(Buffer.from(value, "base64")) : fail(column, "varbinary", value);

const nestedType = (signature: TrinoTypeSignature, index: number): TrinoTypeSignature => {
  const argument = signature.arguments[index];
  if (argument?.kind === "TYPE") return argument.value;
  throw new ResultShapeError(`Trino type ${signature.rawType} has no type argument ${index}`);
};

const SCALARS: Readonly<Record<string, Convert>> = {
  boolean,
  tinyint: integer,
  smallint: integer,
  integer,
  bigint: integer,
  real: floating,
  double: floating,
  decimal,
  date,
  timestamp,
  "timestamp with time zone": timestampWithZone,
  varbinary: binary,
};

/**
 * The converter of a Trino type into the row contract of QueryEngine (src/engine/types.ts): integers as
 * numbers (bigint beyond 2^53), DOUBLE as number, DATE as `YYYY-MM-DD`, TIMESTAMP as ISO-8601 UTC with
 * milliseconds (a TIMESTAMP WITH TIME ZONE as its UTC instant), NULL as null. ARRAY, MAP and ROW convert their
 * elements; ROW becomes an object by field name. Everything else Trino sends as text (varchar, char, json,
 * time, interval, uuid, ipaddress) stays text.
 */
export function converterFor(signature: TrinoTypeSignature): Convert {
  const raw = signature.rawType.toLowerCase();
  const convert = ((): Convert => {
    const scalar = SCALARS[raw];
    if (scalar) return scalar;
    if (raw === "array") {
      const element = converterFor(nestedType(signature, 0));
      return (value, column) =>
        Array.isArray(value) ? value.map((v) => element(v, column)) : fail(column, "array", value);
    }
    if (raw === "map") {
      const entry = converterFor(nestedType(signature, 1));
      return (value, column) =>
        value !== null && typeof value === "object" && !Array.isArray(value)
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, entry(v, column)]))
          : fail(column, "map", value);
    }
    if (raw === "row") {
      const fields = signature.arguments.map((argument, i) => {
        if (argument.kind !== "NAMED_TYPE") throw new ResultShapeError(`Trino row field ${i} has no type`);
        return {
          name: argument.value.fieldName?.name ?? `field${i}`,
          convert: converterFor(argument.value.typeSignature),
        };
      });
      return (value, column) =>
        Array.isArray(value)
          ? Object.fromEntries(fields.map((f, i) => [f.name, f.convert(value[i], column)]))
          : fail(column, "row", value);
    }
    return text;
  })();
  return (value, column) => (value === null || value === undefined ? null : convert(value, column));
}

/** Column names as DuckDB's engine makes them unique: the second `a` is `a:1`, the third `a:2`. */
export function uniqueColumnNames(columns: readonly Pick<TrinoColumn, "name">[]): string[] {
  const seen = new Map<string, number>();
  return columns.map(({ name }) => {
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}:${count}`;
  });
}

/** Converts pages of Trino's positional rows into plain row objects. */
export function rowConverter(columns: readonly TrinoColumn[]): (data: readonly (readonly unknown[])[]) => Row[] {
  const names = uniqueColumnNames(columns);
  const converters = columns.map((c) => converterFor(c.typeSignature));
  return (data) =>
    data.map((values) => {
      const row: Row = {};
      names.forEach((name, i) => {
        row[name] = (converters[i] as Convert)(values[i] ?? null, name);
      });
      return row;
    });
}
