import { createHash } from "node:crypto";

/**
 * The simulated payment provider. Card numbers follow the usual test-card convention: one ending in
 * 0002 is declined (insufficient funds), 0069 has an invalid CVC; any other well-formed number is
 * authorized. The number itself never leaves this module: events carry its BIN and an opaque token.
 */
export type PaymentResult =
  | { status: "authorized"; cardBin: string; cardFingerprint: string }
  | { status: "declined"; declineCode: string; cardBin: string; cardFingerprint: string };

export class PaymentInputError extends Error {
  readonly code = "invalid_card";
  constructor(message: string) {
    super(message);
    this.name = "PaymentInputError";
  }
}

const declines: Record<string, string> = { "0002": "insufficient_funds", "0069": "invalid_cvc" };

export function pay(cardNumber: string): PaymentResult {
  const digits = cardNumber.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(digits)) throw new PaymentInputError("a card number has 12 to 19 digits");
  const cardBin = digits.slice(0, 6);
  const cardFingerprint = `fp-${createHash("sha256").update(digits).digest("hex").slice(0, 16)}`;
  const declineCode = declines[digits.slice(-4)];
  return declineCode
    ? { status: "declined", declineCode, cardBin, cardFingerprint }
    : { status: "authorized", cardBin, cardFingerprint };
}
