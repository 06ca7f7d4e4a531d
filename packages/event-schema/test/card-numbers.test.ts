import { describe, expect, it } from "vitest";
import {
  cardNumberSpans,
  findCardNumberInEvent,
  isCardNumber,
  redactCardNumbers,
} from "../src/privacy/card-numbers.js";
import { createEventValidator } from "../src/validate.js";

const validate = createEventValidator();
const track = (properties: Record<string, unknown>) => ({
  type: "track",
  event: "Order Completed",
  messageId: "m-1",
  anonymousId: "a-1",
  properties,
});

describe("card numbers (PANs)", () => {
  it.each([
    ["Visa, plain", "4111111111111111"],
    ["Visa, spaces", "4111 1111 1111 1111"],
    ["Visa, dashes", "4111-1111-1111-1111"],
    ["Visa, 13 digits", "4222222222222"],
    ["Mastercard, 2-series", "2223 0031 2200 3222"],
    ["Amex, 4-6-5", "3782 822463 10005"],
    ["Discover", "6011 0009 9013 9424"],
    ["Elo", "6362970000457013"],
    ["Hipercard", "6062 8288 8866 6688"],
    ["inside a sentence", "please charge card 5555 5555 5555 4444 tomorrow"],
  ])("refuses %s", (_case, text) => {
    const result = validate(track({ note: text }));
    expect(result).toMatchObject({ ok: false, rejection: { code: "pan_detected", path: "/properties/note" } });
    if (!result.ok) expect(result.rejection.message).not.toMatch(/\d{6}/);
  });

  it("refuses a card number sent as a JSON number, in an array, in traits and in context.traits", () => {
    expect(findCardNumberInEvent({ properties: { items: [{ pan: 4111111111111111 }] } })).toBe(
      "/properties/items/0/pan",
    );
    expect(findCardNumberInEvent({ traits: { "saved/card": "4111111111111111" } })).toBe("/traits/saved~1card");
    expect(findCardNumberInEvent({ context: { traits: { card: "4111 1111 1111 1111" } } })).toBe(
      "/context/traits/card",
    );
  });

  it.each([
    ["an order number that fails the Luhn check", "4111111111111112"],
    ["a spaced number that fails the Luhn check", "4111 1111 1111 1112"],
    ["a millisecond timestamp that passes Luhn (no network starts with 1)", "1764328800004"],
    ["a Brazilian mobile number with country code (13 digits, Mastercard needs 16)", "5511912345678"],
    ["a card BIN", "411111"],
    ["20 digits (no card is that long)", "41111111111111111113"],
    ["a phone number with dashes", "+55 11 91234-5678"],
    ["an ISO date", "2026-11-28T10:00:00.000Z"],
    // Digits 3–18 read 2478316327084959: a Mastercard length with a valid Luhn digit, between two letters.
    ["a UUIDv7 session id whose digits across the dashes pass for a card", "01a24783-1632-7084-959e-b4f23aa71cae"],
    // 41234567-1234-7234 reads as a Visa number from the start of the text up to a dash.
    ["a UUID whose first groups pass for a card", "41234567-1234-7234-a234-123456789abc"],
    ["a card number run into letters (a token, not a number written on its own)", "tok4111111111111111x"],
  ])("keeps %s", (_case, text) => {
    expect(validate(track({ note: text }))).toMatchObject({ ok: true });
    expect(cardNumberSpans(text)).toEqual([]);
  });

  it("finds a card number beside a UUID, and one after a letter and a space or punctuation", () => {
    expect(cardNumberSpans("session 41234567-1234-7234-a234-123456789abc card 4111111111111111")).toEqual([[50, 66]]);
    expect(cardNumberSpans("pan:4111111111111111.")).toEqual([[4, 20]]);
    expect(cardNumberSpans("Visa 4111-1111-1111-1111")).toEqual([[5, 24]]);
  });

  it("checks the Luhn digit and the network's lengths", () => {
    expect(isCardNumber("4111111111111111")).toBe(true);
    expect(isCardNumber("4111111111111")).toBe(false); // 13 digits, Luhn fails
    expect(isCardNumber("378282246310005")).toBe(true); // Amex is 15
    expect(isCardNumber("3782822463100050")).toBe(false);
    expect(isCardNumber("7111111111111117")).toBe(false); // no network
  });

  it("redacts every card number to its last four digits and leaves the rest as is", () => {
    const event = track({
      note: "card 4111 1111 1111 1111 and 5555-5555-5555-4444, order 4111111111111112",
      pan: 378282246310005,
      nested: [{ keep: "ok", card: "6011000990139424" }],
      byCard: { "4111111111111111": 1 },
    });
    const redacted = redactCardNumbers(event) as typeof event;
    expect(redacted.properties).toEqual({
      note: "card [card number removed, ending 1111] and [card number removed, ending 4444], order 4111111111111112",
      pan: "[card number removed, ending 0005]",
      nested: [{ keep: "ok", card: "[card number removed, ending 9424]" }],
      byCard: { "[card number removed, ending 1111]": 1 },
    });
    expect(findCardNumberInEvent(redacted)).toBeUndefined();
    expect(event.properties.pan).toBe(378282246310005); // the original is not changed
  });
});
