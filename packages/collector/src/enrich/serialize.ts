import type { CollectedEvent } from "@shop/event-schema";

export interface SerializedCollected {
  /** The Kafka record value: the CollectedEvent as JSON. */
  value: string;
  /** The published event's own JSON, a slice of `value`; its size is what the per-event limit caps. */
  eventJson: string;
}

/**
 * Serializes a CollectedEvent with one JSON.stringify of the (large) event, whose text is reused
 * both inside the record and to measure the event's size, instead of stringifying it twice.
 */
export function serializeCollected(collected: CollectedEvent): SerializedCollected {
  const eventJson = JSON.stringify(collected.event);
  // receivedAt is an ISO timestamp from Date#toISOString: nothing in it needs escaping.
  const value = `{"v":${collected.v},"receivedAt":"${collected.receivedAt}","enrichment":${JSON.stringify(collected.enrichment)},"event":${eventJson}}`;
  return { value, eventJson };
}

/** UTF-8 size of a string, without encoding it when its UTF-16 length already decides `limit`. */
export function utf8BytesOver(text: string, limit: number): number | undefined {
  // Every UTF-16 unit is 1 to 3 UTF-8 bytes.
  if (text.length * 3 <= limit) return undefined;
  if (text.length > limit) return Buffer.byteLength(text);
  const bytes = Buffer.byteLength(text);
  return bytes > limit ? bytes : undefined;
}
