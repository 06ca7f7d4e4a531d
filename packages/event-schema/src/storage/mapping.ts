import { eventGroups, eventTypeGroups } from "../events/groups.js";
import type { ColumnType } from "./column-types.js";

/**
 * The storage mapping: for every column of the events table, where its value comes from in the
 * collected event (the Kafka record the collector publishes), how it is coerced, which events fill
 * it, and any derived rule. It is data, interpreted twice: by toStorageRow (the reference, one event
 * object at a time) and by the sink's byte scanner (the fast path over the record's bytes). The column
 * list, the Arrow/Parquet/Spark/Athena/DuckDB schemas and the docs all come from it.
 *
 * Changing the table: append new columns at the end, nullable, and bump STORAGE_SCHEMA_VERSION; old
 * Parquet files then still read (the new columns are null in them). Never reorder, rename or retype.
 */
export const STORAGE_SCHEMA_VERSION = 2;

/** How a raw JSON value becomes a column value; anything a coercion does not take becomes null. */
export const coercions = {
  string: { type: "string", doc: "a string as is, a finite number as its shortest text" },
  upper_code: { type: "string", doc: "like string, then upper-cased (ISO codes)" },
  int32: { type: "int32", doc: "an integer in the int32 range" },
  double: { type: "double", doc: "a finite number" },
  timestamp: { type: "timestamp_ms", doc: "ISO-8601 text, as an instant (UTC)" },
  boolean: { type: "boolean", doc: "true or false" },
  json_object: { type: "string", doc: "an object, as its JSON text" },
} as const satisfies Record<string, { type: ColumnType; doc: string }>;

export type Coercion = keyof typeof coercions;

/** Which events fill a column; the others leave it null. */
export interface EventFilter {
  /** Event types (track, page, …). */
  readonly types?: readonly string[];
  /** Track events by name (the event type must be track). */
  readonly track?: readonly string[];
}

interface MappingBase {
  readonly name: string;
  readonly doc: string;
  readonly as: Coercion;
  /** The row cannot exist without it: a missing or unusable value dead-letters the record. */
  readonly required?: true;
  /** The sink writes min/max statistics for it: a column engines filter on (free text prunes nothing). */
  readonly prune?: true;
  /** Few distinct values that repeat: dictionary-encoded in compacted files (on ids, URLs and JSON a dictionary overflows). */
  readonly repeats?: true;
}

export interface PathColumnMapping extends MappingBase {
  /**
   * Dotted paths into the collected event (`receivedAt`, `enrichment.*`, `event.*`), tried in order:
   * the first whose value survives the coercion wins. A path through a non-object reads as absent.
   */
  readonly from: readonly string[];
  readonly when?: EventFilter;
  /** Derived rule: for these track events the value counts negative (−|value|). */
  readonly negativeFor?: readonly string[];
}

export interface ConstantColumnMapping extends MappingBase {
  readonly constant: number;
}

export type ColumnMapping = PathColumnMapping | ConstantColumnMapping;
export type StorageMapping = readonly ColumnMapping[];

export const isConstant = (column: ColumnMapping): column is ConstantColumnMapping => "constant" in column;

// Literal names and coercions are kept in the types, so StorageRow is derived from this table.
const path = <
  const Name extends string,
  const As extends Coercion,
  const Options extends Omit<PathColumnMapping, "name" | "as" | "from" | "doc"> = Record<never, never>,
>(
  name: Name,
  as: As,
  from: readonly string[],
  doc: string,
  options?: Options,
) => ({ name, as, from, doc, ...options }) as { name: Name; as: As; from: readonly string[]; doc: string } & Options;

const required = { required: true, prune: true } as const;
const prune = { prune: true } as const;
const repeats = { repeats: true } as const;
const pruneRepeats = { prune: true, repeats: true } as const;
const g = eventGroups;

export const storageMapping = [
  path("event_id", "string", ["event.messageId"], "Segment messageId; unique per event, the dedup key.", {
    required: true,
  }),
  path("event_type", "string", ["event.type"], "track | page | screen | identify | group | alias.", {
    ...required,
    ...repeats,
  }),
  path(
    "event_name",
    "string",
    ["event.event", "event.name"],
    "Track event name (e.g. Order Completed) or page/screen name.",
    pruneRepeats,
  ),
  path("anonymous_id", "string", ["event.anonymousId"], "First-party anonymous id of the device/browser."),
  path("user_id", "string", ["event.userId"], "Known user id after identify."),
  path(
    "session_id",
    "string",
    ["event.context.session.id"],
    "The SDK's session id (a hint; Spark sessionizes by time gaps).",
  ),
  path(
    "session_seq",
    "int32",
    ["event.context.session.seq"],
    "Per-session sequence number set by the SDK, for gap detection.",
    prune,
  ),
  path(
    "event_ts",
    "timestamp",
    ["enrichment.eventTs"],
    "Event time: client timestamp corrected for clock skew (UTC).",
    required,
  ),
  path("client_ts", "timestamp", ["event.timestamp", "event.originalTimestamp"], "Client timestamp as sent.", prune),
  path("sent_at", "timestamp", ["event.sentAt"], "When the client sent the batch, by its clock.", prune),
  path("received_at", "timestamp", ["receivedAt"], "When the collector received the event (UTC).", required),
  path("page_url", "string", ["event.context.page.url"], "context.page.url."),
  path("page_path", "string", ["event.context.page.path"], "context.page.path."),
  path("page_referrer", "string", ["event.context.page.referrer"], "context.page.referrer."),
  path("page_title", "string", ["event.context.page.title"], "context.page.title."),
  path("page_search", "string", ["event.context.page.search"], "context.page.search (query string)."),
  path("utm_source", "string", ["event.context.campaign.source"], "context.campaign.source.", repeats),
  path("utm_medium", "string", ["event.context.campaign.medium"], "context.campaign.medium.", repeats),
  path("utm_campaign", "string", ["event.context.campaign.name"], "context.campaign.name.", repeats),
  path("utm_term", "string", ["event.context.campaign.term"], "context.campaign.term.", repeats),
  path("utm_content", "string", ["event.context.campaign.content"], "context.campaign.content.", repeats),
  path("locale", "string", ["event.context.locale"], "context.locale.", repeats),
  path("timezone", "string", ["event.context.timezone"], "context.timezone.", repeats),
  path("user_agent", "string", ["event.context.userAgent"], "context.userAgent.", repeats),
  path("ua_browser", "string", ["enrichment.browser"], "Browser family parsed from the user agent.", repeats),
  path("ua_browser_version", "string", ["enrichment.browserVersion"], "Browser major version.", repeats),
  path("ua_os", "string", ["enrichment.os"], "Operating system family.", repeats),
  path("ua_device_type", "string", ["enrichment.deviceType"], "desktop | mobile | tablet | bot | other.", repeats),
  path("is_bot", "boolean", ["enrichment.isBot"], "Crawler or bot by user agent.", prune),
  path(
    "ip_anonymized",
    "string",
    ["enrichment.ipAnonymized"],
    "Client IP with the last IPv4 octet / IPv6 bits past /48 zeroed.",
  ),
  path("library_name", "string", ["event.context.library.name"], "context.library.name.", repeats),
  path("library_version", "string", ["event.context.library.version"], "context.library.version.", repeats),
  path("source_id", "string", ["enrichment.sourceId"], "Source the write key belongs to.", pruneRepeats),
  path(
    "product_id",
    "string",
    ["event.properties.product_id"],
    "properties.product_id (product events, and any other that carries one).",
  ),
  path("product_sku", "string", ["event.properties.sku"], "properties.sku."),
  path("product_category", "string", ["event.properties.category"], "properties.category.", repeats),
  path("quantity", "int32", ["event.properties.quantity"], "properties.quantity.", prune),
  path(
    "order_id",
    "string",
    ["event.properties.order_id"],
    "properties.order_id of checkout, payment and order events.",
  ),
  path("checkout_id", "string", ["event.properties.checkout_id"], "properties.checkout_id."),
  path(
    "revenue",
    "double",
    ["event.properties.revenue", "event.properties.total"],
    "Net order revenue: properties.revenue (else total) of Order Completed, negative for Order Refunded; null on every other event, so SUM(revenue) is net revenue.",
    { when: { track: g.net_revenue.events }, negativeFor: g.refund.events, prune: true },
  ),
  path("currency", "upper_code", ["event.properties.currency"], "ISO 4217 code, upper case.", pruneRepeats),
  path("properties_json", "json_object", ["event.properties"], "The whole properties object as JSON text."),
  path("traits_json", "json_object", ["event.traits"], "The whole traits object as JSON text."),
  path("context_json", "json_object", ["event.context"], "The whole context object as JSON text (raw IP removed)."),
  {
    name: "schema_version",
    as: "int32",
    constant: STORAGE_SCHEMA_VERSION,
    doc: "Version of this storage row layout.",
    required: true,
    prune: true,
  },
  // Schema version 2: money beside revenue, payment, account and risk signals.
  path(
    "checkout_value",
    "double",
    ["event.properties.revenue", "event.properties.total", "event.properties.value"],
    "The order's value where no money moves: properties.revenue (else total, else value) of Checkout Started, Order Updated and Order Cancelled.",
    { when: { track: g.order_value.events } },
  ),
  path(
    "product_price",
    "double",
    ["event.properties.price"],
    "Unit price of product events (a cart add is worth product_price × coalesce(quantity, 1)).",
    { when: { track: g.product.events } },
  ),
  path("payment_amount", "double", ["event.properties.amount"], "Amount of a Payment Attempted.", {
    when: { track: g.payment.events },
  }),
  path(
    "payment_method",
    "string",
    ["event.properties.payment_method"],
    "properties.payment_method: card, pix, boleto, wallet, …",
    repeats,
  ),
  path(
    "payment_status",
    "string",
    ["event.properties.status"],
    "Payment Attempted's status: authorized | declined | error.",
    { when: { track: g.payment.events }, repeats: true },
  ),
  path("decline_code", "string", ["event.properties.decline_code"], "The payment provider's decline code.", {
    when: { track: g.payment.events },
    repeats: true,
  }),
  path(
    "card_fingerprint",
    "string",
    ["event.properties.card_fingerprint"],
    "The payment provider's opaque card token (never a card number).",
  ),
  path("card_bin", "string", ["event.properties.card_bin"], "First 6 (or 8) digits of the card: its issuer."),
  path(
    "card_country",
    "upper_code",
    ["event.properties.card_country"],
    "Card issuer's country, ISO 3166 alpha-2.",
    repeats,
  ),
  path(
    "billing_country",
    "upper_code",
    ["event.properties.billing_country"],
    "Billing address country, ISO 3166 alpha-2.",
    repeats,
  ),
  path(
    "shipping_country",
    "upper_code",
    ["event.properties.shipping_country"],
    "Shipping address country, ISO 3166 alpha-2.",
    repeats,
  ),
  path("auth_method", "string", ["event.properties.method"], "How the shopper signed in or up (password, google, …).", {
    when: { track: g.sign_in.events },
    repeats: true,
  }),
  path("auth_status", "string", ["event.properties.status"], "Signed In's status: success | failed.", {
    when: { track: g.sign_in.events },
    repeats: true,
  }),
  path(
    "account_created_at",
    "timestamp",
    ["event.traits.created_at", "event.context.traits.created_at"],
    "When the user's account was created: the created_at trait (identify traits, else context.traits).",
    { when: { types: eventTypeGroups.user_traits.types } },
  ),
  path(
    "geo_country",
    "string",
    ["enrichment.geoCountry"],
    "Country of the client IP (ISO 3166 alpha-2), looked up by the collector before anonymising it.",
    pruneRepeats,
  ),
] as const satisfies StorageMapping;
