import { Type } from "@sinclair/typebox";
import { eventNames } from "../events/groups.js";
import { columnValues } from "../events/values.js";

const oneOf = (values: readonly string[]) => Type.Union(values.map((value) => Type.Literal(value)));

/**
 * Payment, account and risk signals: the track events fraud scoring reads. They are plain Segment
 * track calls, so any Segment-compatible client (browser, mobile or the shop's backend) can send
 * them. Properties stay open; the typed ones must have the right type.
 */
const open = { additionalProperties: true } as const;
const Id = Type.String({ minLength: 1, maxLength: 200 });

/** ISO 3166-1 alpha-2; stored upper-cased. */
export const CountryCode = Type.String({ pattern: "^[A-Za-z]{2}$" });
export const CurrencyCode = Type.String({ pattern: "^[A-Za-z]{3}$" });

/** How the shopper pays: card, pix, boleto, wallet, … (open: providers add their own). */
export const PaymentMethod = Type.String({ minLength: 1, maxLength: 50 });

/**
 * The payment provider's opaque card token (Stripe's `fingerprint`, Adyen's `shopperReference`, …),
 * the same for every use of one card. Never the card number: a card number anywhere in properties
 * or traits is refused (see privacy/card-numbers.ts).
 */
export const CardFingerprint = Type.String({ minLength: 1, maxLength: 200 });

/** The issuer's bank identification number: the first 6 (or, since 2022, 8) digits of the card. */
export const CardBin = Type.String({ pattern: "^[0-9]{6}([0-9]{2})?$" });

/** What an order carries about how it was paid and where it goes. */
export const OrderPaymentFields = {
  billing_country: Type.Optional(CountryCode),
  shipping_country: Type.Optional(CountryCode),
  payment_method: Type.Optional(PaymentMethod),
  card_fingerprint: Type.Optional(CardFingerprint),
};

export const PaymentAttempted = Type.Object(
  {
    order_id: Type.Optional(Id),
    checkout_id: Type.Optional(Id),
    amount: Type.Optional(Type.Number()),
    currency: Type.Optional(CurrencyCode),
    payment_method: Type.Optional(PaymentMethod),
    card_fingerprint: Type.Optional(CardFingerprint),
    card_bin: Type.Optional(CardBin),
    card_country: Type.Optional(CountryCode),
    status: Type.Optional(oneOf(columnValues.payment_status)),
    decline_code: Type.Optional(Type.String({ maxLength: 100 })),
  },
  open,
);

/** Payment and account events, by wire name, with the schema of their `properties`. */
export const AccountAndPaymentEvents = {
  [eventNames.payment_attempted]: PaymentAttempted,
  [eventNames.signed_in]: Type.Object(
    {
      method: Type.Optional(Type.String({ maxLength: 100 })),
      status: Type.Optional(oneOf(columnValues.auth_status)),
    },
    open,
  ),
  [eventNames.signed_up]: Type.Object({ method: Type.Optional(Type.String({ maxLength: 100 })) }, open),
  [eventNames.password_reset]: Type.Object({}, open),
  [eventNames.shipping_address_changed]: Type.Object({ shipping_country: Type.Optional(CountryCode) }, open),
};

/**
 * Identify traits the pipeline reads (Segment's reserved traits); the rest stay open. `created_at`
 * is ISO-8601, a date-time or a date, as Segment recommends.
 */
export const UserTraits = Type.Object(
  {
    created_at: Type.Optional(
      Type.Union([Type.String({ format: "date-time", maxLength: 64 }), Type.String({ format: "date" })]),
    ),
  },
  open,
);
