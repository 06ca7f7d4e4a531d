import type { CollectedEvent } from "@shop/event-schema";
import type { MskEvent, MskRecord } from "../../src/core/msk-event.js";

export const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

export function mskRecord(
  topic: string,
  partition: number,
  offset: number,
  value: string | null,
  timestamp = Date.parse("2026-11-28T12:00:00.000Z"),
): MskRecord {
  return {
    topic,
    partition,
    offset,
    timestamp,
    timestampType: "CREATE_TIME",
    key: null,
    value: value === null ? null : b64(value),
    headers: [],
  };
}

export const collectedRecord = (topic: string, partition: number, offset: number, collected: CollectedEvent) =>
  mskRecord(topic, partition, offset, JSON.stringify(collected));

export function mskEvent(records: MskRecord[]): MskEvent {
  const grouped: Record<string, MskRecord[]> = {};
  for (const r of records) {
    const key = `${r.topic}-${r.partition}`;
    grouped[key] = [...(grouped[key] ?? []), r];
  }
  return {
    eventSource: "aws:kafka",
    eventSourceArn: "arn:aws:kafka:us-east-1:000000000000:cluster/test/00000000-0000-0000-0000-000000000000-1",
    bootstrapServers: "127.0.0.1:19092",
    records: grouped,
  };
}
