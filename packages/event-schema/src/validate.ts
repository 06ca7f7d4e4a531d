import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";
import { trackEventType } from "./events/values.js";
import { findCardNumberInEvent } from "./privacy/card-numbers.js";
import { type TypedTrackEventName, TypedTrackEvents } from "./wire/ecommerce.js";
import { type EventType, eventSchemasByType, eventTypes, identifyingFields, type WireEvent } from "./wire/events.js";

// ajv-formats is CommonJS: under NodeNext its default import is the plugin function at run time.
const addFormats = addFormatsPlugin as unknown as typeof addFormatsPlugin.default;

/** Why an event was rejected: a stable code for metrics and dead letters, and a message for humans. */
export interface EventRejection {
  readonly code: "not_an_object" | "unknown_type" | "schema_violation" | "control_character" | "pan_detected";
  readonly message: string;
  /** JSON pointer of the offending value, when there is one. */
  readonly path?: string;
}

export type EventValidation = { ok: true; event: WireEvent } | { ok: false; rejection: EventRejection };

export type EventValidator = (candidate: unknown) => EventValidation;

function describe(error: ErrorObject | undefined, prefix = ""): { message: string; path: string } {
  if (!error) return { message: "invalid event", path: prefix || "/" };
  const path = `${prefix}${error.instancePath}` || "/";
  if (error.keyword === "anyOf" && error.instancePath === "" && prefix === "") {
    return { message: "either anonymousId or userId is required", path };
  }
  if (error.keyword === "required") {
    return {
      message: `${path === "/" ? "" : `${path} `}must have property '${String(error.params.missingProperty)}'`,
      path,
    };
  }
  if (error.keyword === "additionalProperties") {
    return { message: `${path} has unknown property '${String(error.params.additionalProperty)}'`, path };
  }
  return { message: `${path} ${error.message ?? "is invalid"}`, path };
}

// C0 controls, DEL and C1 controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** The first identifying field (identifyingFields) holding a control character, with that character. */
function controlCharacterIn(
  event: Record<string, unknown>,
  type: EventType,
): { field: string; char: string } | undefined {
  for (const field of identifyingFields[type]) {
    const value = event[field];
    if (typeof value !== "string") continue;
    const found = CONTROL_CHARACTER.exec(value);
    if (found) return { field, char: found[0] };
  }
  return undefined;
}

const codePoint = (char: string) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

/** Prefer the most specific error: Ajv reports anyOf's branches before the anyOf itself. */
function firstMeaningfulError(errors: ErrorObject[] | null | undefined): ErrorObject | undefined {
  if (!errors || errors.length === 0) return undefined;
  const identity = errors.find((e) => e.keyword === "anyOf" && e.instancePath === "");
  const other = errors.find((e) => e.instancePath !== "" || (e.keyword !== "required" && e.keyword !== "anyOf"));
  return other ?? identity ?? errors[0];
}

/**
 * Compiles the contract's validators once (at start-up: compiling is the slow part) and returns a
 * function that checks one event: its type's schema, then the typed properties of known track event
 * names (E-commerce spec, payments, accounts), then that its names and ids hold no control character, then that
 * it carries no payment card number.
 */
export function createEventValidator(): EventValidator {
  const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv, ["date-time", "date"]);
  const byType = new Map<string, ValidateFunction>(
    eventTypes.map((type) => [type, ajv.compile(eventSchemasByType[type])]),
  );
  const byTrackName = new Map<string, ValidateFunction>(
    (Object.keys(TypedTrackEvents) as TypedTrackEventName[]).map((name) => [name, ajv.compile(TypedTrackEvents[name])]),
  );

  return (candidate) => {
    if (candidate === null || typeof candidate !== "object" || Array.isArray(candidate)) {
      return { ok: false, rejection: { code: "not_an_object", message: "an event must be a JSON object" } };
    }
    const type = (candidate as { type?: unknown }).type;
    const validate = typeof type === "string" ? byType.get(type) : undefined;
    if (!validate) {
      return {
        ok: false,
        rejection: {
          code: "unknown_type",
          message: `type must be one of ${eventTypes.join(", ")}`,
          path: "/type",
        },
      };
    }
    if (!validate(candidate)) {
      return { ok: false, rejection: { code: "schema_violation", ...describe(firstMeaningfulError(validate.errors)) } };
    }
    if ((type as EventType) === trackEventType) {
      const name = (candidate as { event: string }).event;
      const validateProperties = byTrackName.get(name);
      const properties = (candidate as { properties?: unknown }).properties ?? {};
      if (validateProperties && !validateProperties(properties)) {
        return {
          ok: false,
          rejection: {
            code: "schema_violation",
            ...describe(firstMeaningfulError(validateProperties.errors), "/properties"),
          },
        };
      }
    }
    const control = controlCharacterIn(candidate as Record<string, unknown>, type as EventType);
    if (control !== undefined) {
      return {
        ok: false,
        rejection: {
          code: "control_character",
          message: `/${control.field} holds a control character (${codePoint(control.char)}); names and ids must be printable text`,
          path: `/${control.field}`,
        },
      };
    }
    const cardAt = findCardNumberInEvent(candidate as Record<string, unknown>);
    if (cardAt !== undefined) {
      return {
        ok: false,
        rejection: {
          code: "pan_detected",
          message: `${cardAt} holds a payment card number; card numbers are never stored (send the provider's card_fingerprint and card_bin instead)`,
          path: cardAt,
        },
      };
    }
    return { ok: true, event: candidate as WireEvent };
  };
}
