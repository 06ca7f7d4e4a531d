import { FraudAlert, LiveMetrics } from "@shop/event-schema";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";

// ajv-formats is CommonJS: under NodeNext its default import is the plugin function at run time.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

/** Why a record was not used; it is logged and counted, never a crash. */
export interface Malformed {
  readonly code: "empty_value" | "not_json" | "schema_violation";
  readonly message: string;
}

export type Parse<T> = { ok: true; value: T } | { ok: false; reason: Malformed };
export type Parser<T> = (value: Uint8Array | null) => Parse<T>;

function describe(error: ErrorObject | undefined, what: string): string {
  if (!error) return `does not match the ${what} contract`;
  const path = error.instancePath || "/";
  if (error.keyword === "required") return `${path} must have property '${String(error.params.missingProperty)}'`;
  if (error.keyword === "additionalProperties") {
    return `${path} has unknown property '${String(error.params.additionalProperty)}'`;
  }
  return `${path} ${error.message ?? "is invalid"}`;
}

/** Parsers for both topics, compiled once from the contract's schemas (never a copy of them). */
export function createParsers(): { metrics: Parser<LiveMetrics>; alert: Parser<FraudAlert> } {
  const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
  addFormats(ajv, ["date-time"]);
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const parser = <T>(validate: ValidateFunction<T>, what: string): Parser<T> => {
    return (value): Parse<T> => {
      if (value === null || value.length === 0) {
        return { ok: false, reason: { code: "empty_value", message: "the record has no value" } };
      }
      let candidate: unknown;
      try {
        candidate = JSON.parse(utf8.decode(value));
      } catch (error) {
        return { ok: false, reason: { code: "not_json", message: `not UTF-8 JSON: ${(error as Error).message}` } };
      }
      if (!validate(candidate)) {
        return { ok: false, reason: { code: "schema_violation", message: describe(validate.errors?.[0], what) } };
      }
      return { ok: true, value: candidate };
    };
  };
  return {
    metrics: parser(ajv.compile<LiveMetrics>(LiveMetrics), "LiveMetrics"),
    alert: parser(ajv.compile<FraudAlert>(FraudAlert), "FraudAlert"),
  };
}
