import { type Static, Type } from "@sinclair/typebox";
import { column, type LakeTable, type PartitionColumnDefinition, type RowOf } from "../storage/columns.js";

/**
 * A fraud alert: what the streaming scoring job (packages/processing-jobs, shop_jobs.fraud) raises
 * when an order or payment scores at or above the rules' alert threshold. It goes to the
 * `alerts.fraud` Kafka topic (this record, as JSON) for whoever must act now — hold the order — and
 * to the `fraud_alerts` lake table (the row below) for analysts.
 *
 * The alert id is deterministic (the rules' version and the triggering event's id): a job that
 * replays events after a crash raises the same ids again, and consumers and the table keep one.
 */
export const FRAUD_ALERT_VERSION = 1;

const IsoTimestamp = Type.String({ format: "date-time" });
/** An evidence value: a plain JSON value, or a list of strings (e.g. the limits a rule reached). */
const Evidence = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null(), Type.Array(Type.String())]);

/** One rule that fired: a stable code, a sentence a person can check, the numbers behind it. */
export const FraudReason = Type.Object(
  {
    /** Stable, for dashboards and tuning: e.g. `card_testing.distinct_cards`. */
    code: Type.String({ minLength: 1, maxLength: 100 }),
    /** What happened, with the numbers: "7 payment attempts with 5 cards from this device in 10 minutes (limit 5)". */
    text: Type.String({ minLength: 1, maxLength: 1000 }),
    /** The rule's weight in the score (0–1). */
    weight: Type.Number({ minimum: 0, maximum: 1 }),
    /** The values the rule compared, by name. */
    evidence: Type.Record(Type.String(), Evidence),
  },
  { additionalProperties: false },
);
export type FraudReason = Static<typeof FraudReason>;

const Optional = <T extends Parameters<typeof Type.Optional>[0]>(schema: T) =>
  Type.Optional(Type.Union([schema, Type.Null()]));

export const FraudAlert = Type.Object(
  {
    v: Type.Literal(FRAUD_ALERT_VERSION),
    /** First 32 hex digits of sha256(rule version | triggering event id). */
    alertId: Type.String({ pattern: "^[0-9a-f]{32}$" }),
    /** The rules config that scored it (its `version`). */
    ruleVersion: Type.String({ minLength: 1, maxLength: 100 }),
    /** 100·(1 − Π(1 − weight)) over the reasons, one decimal (shop_jobs.fraud.score). */
    score: Type.Number({ minimum: 0, maximum: 100 }),
    /** The threshold it crossed (from the same config). */
    threshold: Type.Integer({ minimum: 0, maximum: 100 }),
    reasons: Type.Array(FraudReason, { minItems: 1, maxItems: 50 }),
    /** The event that was scored (an order or a payment attempt). */
    eventId: Type.String({ minLength: 1 }),
    eventName: Type.String({ minLength: 1 }),
    orderId: Optional(Type.String()),
    checkoutId: Optional(Type.String()),
    userId: Optional(Type.String()),
    /** The device (the SDK's anonymous id). */
    anonymousId: Optional(Type.String()),
    ipAnonymized: Optional(Type.String()),
    geoCountry: Optional(Type.String()),
    cardFingerprint: Optional(Type.String()),
    amount: Optional(Type.Number()),
    currency: Optional(Type.String()),
    /** The scored event's time (event time, UTC). */
    eventTs: IsoTimestamp,
    /** When the job raised the alert (UTC); a replay raises the same alert id with a later time. */
    alertTs: IsoTimestamp,
  },
  { $id: "FraudAlert", additionalProperties: false },
);
export type FraudAlert = Static<typeof FraudAlert>;

/** The fraud_alerts table: one row per alert id (a replayed alert is the same row). */
export const fraudAlertColumns = [
  column(
    "alert_id",
    "string",
    false,
    "First 32 hex digits of sha256(rule_version | event_id): the same on every replay.",
  ),
  column("rule_version", "string", false, "Version of the rules config that scored the event."),
  column("score", "double", false, "Risk score, 0-100 (one decimal)."),
  column("threshold", "int32", false, "The alert threshold of that rules version."),
  column("reason_codes", "string", false, "Codes of the reasons that fired, comma-separated in score order."),
  column("reasons_json", "string", false, "The reasons as a JSON array of {code, text, weight, evidence}."),
  column("event_id", "string", false, "The scored event (an order or a payment attempt)."),
  column("event_name", "string", false, "Its track event name."),
  column("order_id", "string", true, "Order it concerns, when known."),
  column("checkout_id", "string", true, "Checkout it concerns, when known."),
  column("user_id", "string", true, "Account, when known."),
  column("anonymous_id", "string", true, "Device (the SDK's anonymous id), when known."),
  column("ip_anonymized", "string", true, "Client IP, anonymised."),
  column("geo_country", "string", true, "Country of the client IP."),
  column("card_fingerprint", "string", true, "The payment provider's card token, when known."),
  column("amount", "double", true, "Order revenue or payment amount of the scored event."),
  column("currency", "string", true, "ISO 4217 code of the amount."),
  column("event_ts", "timestamp_ms", false, "The scored event's time (UTC)."),
  column("alert_ts", "timestamp_ms", false, "When the alert was first raised (UTC)."),
] as const;

/** One partition a UTC day of the scored event's time, as the events table: replays land in the same place. */
export const fraudAlertPartitionColumns = [
  { name: "dt", type: "string", doc: "UTC date of event_ts, YYYY-MM-DD." },
] as const satisfies readonly PartitionColumnDefinition[];

export const fraudAlertsLakeTable = {
  name: "fraud_alerts",
  columns: fraudAlertColumns,
  partitions: fraudAlertPartitionColumns,
} as const satisfies LakeTable;

export type FraudAlertRow = RowOf<typeof fraudAlertColumns>;
