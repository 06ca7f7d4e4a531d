import { FraudAlert } from "@shop/event-schema";
import { Ajv, type ErrorObject } from "ajv";
import addFormatsPlugin from "ajv-formats";

// ajv-formats is CommonJS: under NodeNext its default import is the plugin function at run time.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

/** Why a record is not an alert we can act on; it is logged, counted, skipped and committed. */
export interface MalformedAlert {
  readonly code: "empty_value" | "not_json" | "schema_violation";
  readonly message: string;
}

export type AlertParse = { ok: true; alert: FraudAlert } | { ok: false; reason: MalformedAlert };

/** Turns an `alerts.fraud` record value (bytes) into a contract-checked alert, or says why not. */
export type AlertParser = (value: Uint8Array | null) => AlertParse;

function describe(error: ErrorObject | undefined): string {
  if (!error) return "does not match the FraudAlert contract";
  const path = error.instancePath || "/";
  if (error.keyword === "required") return `${path} must have property '${String(error.params.missingProperty)}'`;
  if (error.keyword === "additionalProperties") {
    return `${path} has unknown property '${String(error.params.additionalProperty)}'`;
  }
  return `${path} ${error.message ?? "is invalid"}`;
}

/**
 * Compiles the contract's FraudAlert schema (packages/event-schema, the same one the Spark job's tests
 * check its records against) once, and returns a parser that never throws.
 */
export function createAlertParser(): AlertParser {
  const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
  addFormats(ajv, ["date-time"]);
  const validate = ajv.compile<FraudAlert>(FraudAlert);
  const utf8 = new TextDecoder("utf-8", { fatal: true });

  return (value) => {
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
      return { ok: false, reason: { code: "schema_violation", message: describe(validate.errors?.[0]) } };
    }
    return { ok: true, alert: candidate };
  };
}
