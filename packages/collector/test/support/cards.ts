import { findCardNumber } from "@shop/event-schema";
import { expect } from "vitest";

/** Card networks' published test numbers, as people type them. */
export const cards = {
  visaSpaces: "4111 1111 1111 1111",
  mastercardDashes: "5555-5555-5555-4444",
  visaNumber: 4012888888881881, // a JSON number, not a string
  amex: "378282246310005",
  discover: "6011111111111117",
  jcb: "3530111333300000",
} as const;

const digitsOf = (card: string | number) => String(card).replace(/\D/g, "");

/** What the mask leaves of a card: its last 4 digits. */
export const maskOf = (card: string | number) => `[card number removed, ending ${digitsOf(card).slice(-4)}]`;

/**
 * A card event for each format, and one clean event, as a batch. `run` keeps messageIds apart
 * between runs on a shared broker.
 */
export function cardBatch(run: string) {
  const id = (name: string) => `pan-${name}-${run}`;
  return {
    spaces: {
      type: "track",
      event: "Checkout Note Added",
      messageId: id("spaces"),
      anonymousId: "a-pan",
      properties: { note: `please charge ${cards.visaSpaces} again`, step: 2 },
    },
    dashes: {
      type: "track",
      event: "Checkout Note Added",
      messageId: id("dashes"),
      anonymousId: "a-pan",
      properties: { card: cards.mastercardDashes },
    },
    number: {
      type: "track",
      event: "Checkout Note Added",
      messageId: id("number"),
      anonymousId: "a-pan",
      properties: { payment: { pan: cards.visaNumber } },
    },
    nestedInArray: {
      type: "track",
      event: "Checkout Note Added",
      messageId: id("array"),
      anonymousId: "a-pan",
      properties: { attempts: [{ memo: ["first try", cards.amex] }] },
    },
    contextTraits: {
      type: "page",
      messageId: id("context-traits"),
      anonymousId: "a-pan",
      context: { traits: { saved_card: cards.discover } },
    },
    identifyTraits: {
      type: "identify",
      messageId: id("traits"),
      userId: "u-pan",
      traits: { email_hint: "a@example.com", card_on_file: cards.jcb },
    },
    clean: {
      type: "track",
      event: "Product Viewed",
      messageId: id("clean"),
      anonymousId: "a-pan",
      properties: { product_id: "p-1", price: 19.9 },
    },
    // Look-alikes: an order number that fails the Luhn check and millisecond timestamps.
    lookAlikes: {
      type: "track",
      event: "Checkout Note Added",
      messageId: id("look-alikes"),
      anonymousId: "a-pan",
      properties: { order_number: "4111111111111112", placed_at_ms: 1764698400000, placed_at_text: "1764698400000" },
    },
  };
}

/** The card paths the contract reports, by event of cardBatch. */
export const cardPaths = {
  spaces: "/properties/note",
  dashes: "/properties/card",
  number: "/properties/payment/pan",
  nestedInArray: "/properties/attempts/0/memo/1",
  contextTraits: "/context/traits/saved_card",
  identifyTraits: "/traits/card_on_file",
};

/**
 * Fails when `text` holds any of the cards: the contract's own detector finds no card number in it
 * (when it is JSON), and no card's digits beyond its last 4 appear, whatever separators were typed.
 */
export function expectNoCardIn(text: string) {
  const joined = text.replace(/(?<=\d)[ -](?=\d)/g, "");
  for (const card of Object.values(cards)) {
    expect(joined, `card ${maskOf(card)} leaked`).not.toContain(digitsOf(card).slice(0, -4));
  }
  for (const line of text.split("\n")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    expect(findCardNumber(parsed), line).toBeUndefined();
  }
}
