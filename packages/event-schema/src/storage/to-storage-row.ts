import type { CollectedEvent } from "../collected.js";
import { STORAGE_SCHEMA_VERSION, type StorageRow } from "./columns.js";

/** Raised when a collected event cannot become a storage row; sinks dead-letter it with this reason. */
export class StorageMappingError extends Error {
  readonly code = "storage_mapping_failed";
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = "StorageMappingError";
  }
}

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;

const str = (value: unknown): string | null => {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
};

const finite = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

const int32 = (value: unknown): number | null => {
  const n = finite(value);
  return n !== null && Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 ? n : null;
};

function epochMs(value: unknown, field: string, required: true): number;
function epochMs(value: unknown, field: string, required: false): number | null;
function epochMs(value: unknown, field: string, required: boolean): number | null {
  if (value === undefined || value === null) {
    if (required) throw new StorageMappingError(`${field} is missing`, field);
    return null;
  }
  const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    if (required) throw new StorageMappingError(`${field} is not an ISO-8601 timestamp: ${String(value)}`, field);
    return null;
  }
  return ms;
}

const jsonText = (value: unknown): string | null => (asObject(value) ? JSON.stringify(value) : null);

const ORDER_EVENTS = new Set([
  "Order Completed",
  "Order Refunded",
  "Order Cancelled",
  "Order Updated",
  "Checkout Started",
]);

/** Refunds count against revenue, so analysts can SUM(revenue) without a CASE. */
function revenueOf(eventName: string | null, properties: Json): number | null {
  if (eventName === null || !ORDER_EVENTS.has(eventName)) return null;
  const amount = finite(properties.revenue) ?? finite(properties.total);
  if (amount === null) return null;
  return eventName === "Order Refunded" ? -Math.abs(amount) : amount;
}

/**
 * Maps a collected event to its storage row. Pure: the same input always gives the same row, which is
 * what makes a retried sink batch write byte-identical files.
 */
export function toStorageRow(collected: CollectedEvent): StorageRow {
  const event = collected.event as Json;
  const context = asObject(event.context) ?? {};
  const page = asObject(context.page) ?? {};
  const campaign = asObject(context.campaign) ?? {};
  const library = asObject(context.library) ?? {};
  const session = asObject(context.session) ?? {};
  const properties = asObject(event.properties) ?? {};
  const enrichment = collected.enrichment;
  const eventType = str(event.type);
  if (eventType === null) throw new StorageMappingError("type is missing", "type");
  const eventName = str(event.event) ?? str(event.name);
  const currency = str(properties.currency);

  return {
    event_id: collected.event.messageId,
    event_type: eventType,
    event_name: eventName,
    anonymous_id: str(event.anonymousId),
    user_id: str(event.userId),
    session_id: str(session.id),
    session_seq: int32(session.seq),
    event_ts: epochMs(enrichment.eventTs, "enrichment.eventTs", true),
    client_ts: epochMs(event.timestamp ?? event.originalTimestamp, "timestamp", false),
    sent_at: epochMs(event.sentAt, "sentAt", false),
    received_at: epochMs(collected.receivedAt, "receivedAt", true),
    page_url: str(page.url),
    page_path: str(page.path),
    page_referrer: str(page.referrer),
    page_title: str(page.title),
    page_search: str(page.search),
    utm_source: str(campaign.source),
    utm_medium: str(campaign.medium),
    utm_campaign: str(campaign.name),
    utm_term: str(campaign.term),
    utm_content: str(campaign.content),
    locale: str(context.locale),
    timezone: str(context.timezone),
    user_agent: str(context.userAgent),
    ua_browser: enrichment.browser ?? null,
    ua_browser_version: enrichment.browserVersion ?? null,
    ua_os: enrichment.os ?? null,
    ua_device_type: enrichment.deviceType ?? null,
    is_bot: enrichment.isBot ?? null,
    ip_anonymized: enrichment.ipAnonymized ?? null,
    library_name: str(library.name),
    library_version: str(library.version),
    source_id: enrichment.sourceId ?? null,
    product_id: str(properties.product_id),
    product_sku: str(properties.sku),
    product_category: str(properties.category),
    quantity: int32(properties.quantity),
    order_id: str(properties.order_id),
    checkout_id: str(properties.checkout_id),
    revenue: revenueOf(eventName, properties),
    currency: currency === null ? null : currency.toUpperCase(),
    properties_json: jsonText(event.properties),
    traits_json: jsonText(event.traits),
    context_json: jsonText(event.context),
    schema_version: STORAGE_SCHEMA_VERSION,
  };
}
