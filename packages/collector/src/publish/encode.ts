import type { PublishRecord } from "./publisher.js";

/** A record as the producers take it: the value already UTF-8, so its size is known exactly. */
export interface EncodedRecord {
  topic: string;
  key: string | null;
  value: Buffer;
}

/**
 * Encodes the values once (both clients would do it anyway) and measures what the records weigh in
 * the producer's buffers: the bytes counted against the in-flight bound.
 */
export function encodeRecords(records: readonly PublishRecord[]): { encoded: EncodedRecord[]; bytes: number } {
  let bytes = 0;
  const encoded = records.map(({ topic, key, value }) => {
    const buffer = Buffer.from(value, "utf8");
    bytes += buffer.length + (key === null ? 0 : Buffer.byteLength(key, "utf8"));
    return { topic, key, value: buffer };
  });
  return { encoded, bytes };
}
