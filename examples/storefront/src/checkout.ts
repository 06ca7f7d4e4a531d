import { CartError, type CartLine, eventProducts, parseCartLines, priceCart } from "./cart";
import { type PaymentResult, pay } from "./payment";

/** What the checkout page posts to /api/checkout. */
export interface CheckoutRequest {
  readonly checkoutId: string;
  readonly lines: readonly CartLine[];
  readonly cardNumber: string;
  /** The browser tracker's ids, so the backend's events join the shopper's. */
  readonly anonymousId: string;
  readonly userId?: string;
}

export type CheckoutAnswer =
  | { status: "authorized"; orderId: string; total: number }
  | { status: "declined"; declineCode: string }
  | { status: "error"; code: string; message: string };

export class CheckoutInputError extends Error {
  readonly code = "invalid_checkout";
  constructor(message: string) {
    super(message);
    this.name = "CheckoutInputError";
  }
}

const text = (body: Record<string, unknown>, name: string, optional = false): string | undefined => {
  const value = body[name];
  if (value === undefined && optional) return undefined;
  if (typeof value !== "string" || value === "" || value.length > 200) {
    throw new CheckoutInputError(`${name} must be a non-empty string of at most 200 characters`);
  }
  return value;
};

export function parseCheckoutRequest(value: unknown): CheckoutRequest {
  if (typeof value !== "object" || value === null) throw new CheckoutInputError("the body must be a JSON object");
  const body = value as Record<string, unknown>;
  const userId = text(body, "userId", true);
  return {
    checkoutId: text(body, "checkoutId") ?? "",
    lines: parseCartLines(body.lines),
    cardNumber: text(body, "cardNumber") ?? "",
    anonymousId: text(body, "anonymousId") ?? "",
    ...(userId ? { userId } : {}),
  };
}

export interface ServerEvent {
  readonly event: "Payment Attempted" | "Order Completed";
  readonly properties: Record<string, unknown>;
}

/**
 * The checkout's outcome and the events the backend sends for it: a payment attempt, and the order when
 * the payment is authorized. Pure: the payment is simulated and the order id is given.
 */
export function checkout(
  request: CheckoutRequest,
  orderId: string,
  charge: (cardNumber: string) => PaymentResult = pay,
): { answer: CheckoutAnswer; events: ServerEvent[] } {
  const { lines, total } = priceCart(request.lines);
  const products = eventProducts(lines);
  const payment = charge(request.cardNumber);
  const attempted: ServerEvent = {
    event: "Payment Attempted",
    properties: {
      checkout_id: request.checkoutId,
      ...(payment.status === "authorized" ? { order_id: orderId } : {}),
      amount: total,
      currency: "BRL",
      payment_method: "card",
      card_bin: payment.cardBin,
      card_fingerprint: payment.cardFingerprint,
      status: payment.status,
      ...(payment.status === "declined" ? { decline_code: payment.declineCode } : {}),
    },
  };
  if (payment.status === "declined") {
    return { answer: { status: "declined", declineCode: payment.declineCode }, events: [attempted] };
  }
  const shipping = total > 200 ? 0 : 15;
  const completed: ServerEvent = {
    event: "Order Completed",
    properties: {
      order_id: orderId,
      checkout_id: request.checkoutId,
      subtotal: total,
      shipping,
      total: Math.round((total + shipping) * 100) / 100,
      revenue: total,
      currency: "BRL",
      products,
      payment_method: "card",
      card_fingerprint: payment.cardFingerprint,
    },
  };
  return { answer: { status: "authorized", orderId, total }, events: [attempted, completed] };
}

export { CartError };
