import { describe, expect, it } from "vitest";
import { createAlertParser } from "../src/core/alert.js";
import { bytes, fraudAlert } from "./support/alerts.js";

const parse = createAlertParser();

const reasonOf = (value: Uint8Array | null) => {
  const result = parse(value);
  if (result.ok) throw new Error("expected a malformed record");
  return result.reason;
};

describe("parsing an alerts.fraud record value", () => {
  it("accepts an alert as the scoring job writes it", () => {
    const alert = fraudAlert();
    expect(parse(bytes(alert))).toEqual({ ok: true, alert });
  });

  it("accepts an alert whose optional fields are null or absent (a payment attempt without an order)", () => {
    const { orderId: _o, userId: _u, ...rest } = fraudAlert({ eventName: "Payment Attempted", checkoutId: null });
    expect(parse(bytes(rest)).ok).toBe(true);
  });

  it("says a tombstone or empty value has no value", () => {
    expect(reasonOf(null).code).toBe("empty_value");
    expect(reasonOf(new Uint8Array()).code).toBe("empty_value");
  });

  it("says text that is not JSON, or not UTF-8, is not JSON", () => {
    expect(reasonOf(bytes("not json at all")).code).toBe("not_json");
    expect(reasonOf(Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])).code).toBe("not_json");
  });

  it.each([
    ["an alert id that is not 32 hex digits", { alertId: "ABC" }, "/alertId"],
    ["a score above 100", { score: 101 }, "/score"],
    ["no reasons", { reasons: [] }, "/reasons"],
    ["an unknown version", { v: 2 }, "/v"],
    ["an event time that is not a date-time", { eventTs: "yesterday" }, "/eventTs"],
    ["an unknown property", { extra: true }, "unknown property 'extra'"],
  ])("rejects %s, naming where", (_name, change, where) => {
    const reason = reasonOf(bytes({ ...fraudAlert(), ...change }));
    expect(reason.code).toBe("schema_violation");
    expect(reason.message).toContain(where);
  });

  it("rejects JSON that is not an object, and an object missing a required property", () => {
    expect(reasonOf(bytes("[1,2]")).code).toBe("schema_violation");
    const { alertId: _a, ...withoutId } = fraudAlert();
    expect(reasonOf(bytes(withoutId)).message).toContain("must have property 'alertId'");
  });
});
