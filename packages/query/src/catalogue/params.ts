import { columnValues } from "@shop/event-schema";
import { CatalogueError, ParamError } from "../errors.js";

/**
 * A question's parameter types. Values reach the engines as bound parameters, never spliced into SQL:
 * a date is bound as its `YYYY-MM-DD` text (the SQL casts it: `CAST(:from AS DATE)`), an integer as a
 * number, a string or enum value as text.
 */
export type ParamType =
  | { readonly kind: "date" }
  | { readonly kind: "string" }
  | { readonly kind: "integer" }
  | { readonly kind: "enum"; readonly values: readonly string[] };

/**
 * A default: a fixed value, a date relative to today (UTC) at run time, or none (the parameter is
 * optional and binds NULL: the question's SQL treats NULL as "no filter").
 */
export type ParamDefault =
  | { readonly kind: "value"; readonly value: string | number }
  | { readonly kind: "today"; readonly offsetDays: number }
  | { readonly kind: "null" };

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  /** Absent: the parameter is required. */
  readonly default?: ParamDefault;
  readonly description: string;
}

/** A bound value: `YYYY-MM-DD` for dates, a number for integers, text for strings and enums, or NULL. */
export type ParamValue = string | number | null;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TODAY = /^today(?:-(\d{1,4}))?$/;
const INTEGER = /^\d{1,15}$/;
const ENUM_VALUE = /^[a-z0-9_]+$/;
const MAX_STRING = 200;

/** Enum value lists the contract owns (`contract:channel`): never a second hand-written copy. */
const contractValues: Readonly<Record<string, readonly string[]>> = columnValues;

export function isRealDay(text: string): boolean {
  const match = DAY.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/** `date`, `string`, `integer` or `enum(a, b, contract:column)`; throws CatalogueError otherwise. */
export function parseParamType(text: string, where: string): ParamType {
  if (text === "date" || text === "string" || text === "integer") return { kind: text };
  const match = /^enum\((.*)\)$/.exec(text);
  if (!match)
    throw new CatalogueError(`${where}: unknown type ${JSON.stringify(text)} (date, string, integer or enum(...))`);
  const values: string[] = [];
  for (const item of (match[1] ?? "").split(",").map((v) => v.trim())) {
    if (item.startsWith("contract:")) {
      const column = item.slice("contract:".length);
      const fromContract = contractValues[column];
      if (!fromContract) {
        throw new CatalogueError(
          `${where}: the contract lists no values for ${JSON.stringify(column)} (known: ${Object.keys(contractValues).join(", ")})`,
        );
      }
      values.push(...fromContract);
    } else if (ENUM_VALUE.test(item)) values.push(item);
    else
      throw new CatalogueError(`${where}: enum value ${JSON.stringify(item)} must be [a-z0-9_]+ or contract:<column>`);
  }
  if (values.length === 0) throw new CatalogueError(`${where}: enum() needs at least one value`);
  if (new Set(values).size !== values.length) throw new CatalogueError(`${where}: enum values repeat`);
  return { kind: "enum", values };
}

/** What the help and errors call a type. */
export function describeType(type: ParamType): string {
  switch (type.kind) {
    case "date":
      return "date (YYYY-MM-DD, today or today-N)";
    case "integer":
      return "integer (0 or more)";
    case "string":
      return `string (1 to ${MAX_STRING} characters)`;
    case "enum":
      return `one of ${type.values.join(", ")}`;
  }
}

/** Short form for tables: `date`, `enum(a|b)`. */
export function typeLabel(type: ParamType): string {
  return type.kind === "enum" ? `enum(${type.values.join("|")})` : type.kind;
}

export function defaultLabel(spec: ParamSpec): string {
  const d = spec.default;
  if (d === undefined) return "required";
  if (d.kind === "null") return "all";
  if (d.kind === "today") return d.offsetDays === 0 ? "today" : `today-${d.offsetDays}`;
  return String(d.value);
}

const addDays = (now: Date, days: number) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days)).toISOString().slice(0, 10);

/**
 * A value given as text (`--param k=v`, or a default) as the typed value to bind. Throws ParamError
 * naming the parameter and the accepted type.
 */
export function parseParamValue(spec: ParamSpec, text: string, now: Date): Exclude<ParamValue, null> {
  const fail = (): never => {
    throw new ParamError(
      spec.name,
      `parameter ${spec.name}: expected ${describeType(spec.type)}, got ${JSON.stringify(text)}`,
    );
  };
  switch (spec.type.kind) {
    case "date": {
      const relative = TODAY.exec(text);
      if (relative) return addDays(now, Number(relative[1] ?? 0));
      return isRealDay(text) ? text : fail();
    }
    case "integer":
      return INTEGER.test(text) ? Number(text) : fail();
    case "string":
      return text.length > 0 && text.length <= MAX_STRING ? text : fail();
    case "enum":
      return spec.type.values.includes(text) ? text : fail();
  }
}

/** Parses a header's default (`today-30`, `20`, `null`, `desktop`) and checks it against the type. */
export function parseParamDefault(type: ParamType, text: string, where: string): ParamDefault {
  if (text === "null") return { kind: "null" };
  if (type.kind === "date") {
    const relative = TODAY.exec(text);
    if (relative) return { kind: "today", offsetDays: Number(relative[1] ?? 0) };
  }
  try {
    const value = parseParamValue({ name: where, type, description: "" }, text, new Date(0));
    return { kind: "value", value };
  } catch (error) {
    throw new CatalogueError(`${where}: default ${JSON.stringify(text)} is not a valid ${describeType(type)}`, {
      cause: error,
    });
  }
}

/**
 * Every declared parameter's value: given text parsed by type, else the default. Unknown names and
 * missing required ones fail with ParamError; `now` fixes what `today` means.
 */
export function resolveParamValues(
  question: string,
  specs: readonly ParamSpec[],
  given: Readonly<Record<string, string>>,
  now: Date,
): Record<string, ParamValue> {
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      const list = specs.length > 0 ? specs.map((s) => s.name).join(", ") : "none";
      throw new ParamError(name, `${question} has no parameter ${JSON.stringify(name)} (its parameters: ${list})`);
    }
  }
  const values: Record<string, ParamValue> = {};
  for (const spec of specs) {
    const text = given[spec.name];
    if (text !== undefined) values[spec.name] = parseParamValue(spec, text, now);
    else if (spec.default === undefined) {
      throw new ParamError(
        spec.name,
        `${question} needs parameter ${spec.name}: ${describeType(spec.type)} (--param ${spec.name}=...)`,
      );
    } else if (spec.default.kind === "null") values[spec.name] = null;
    else if (spec.default.kind === "today") values[spec.name] = addDays(now, spec.default.offsetDays);
    else values[spec.name] = spec.default.value;
  }
  return values;
}
