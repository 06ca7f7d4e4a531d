import {
  COLLECTED_EVENT_VERSION,
  CollectedEvent,
  compileStorageRow,
  type DeadLetter,
  StorageMappingError,
  type StorageRow,
  toStorageRow,
} from "@shop/event-schema";
import { FormatRegistry } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { contractLayout, type StorageLayout } from "../columnar/layout.js";
import type { MskRecord } from "./msk-event.js";

/** Why a record became a dead letter; stable, so dashboards and replays can group by it. */
export type SinkRejectionCode =
  | "empty_value"
  | "not_utf8"
  | "not_json"
  | "not_collected_event"
  | StorageMappingError["code"];

export type DecodedRecord =
  | { readonly ok: true; readonly record: MskRecord; readonly row: StorageRow }
  | { readonly ok: false; readonly record: MskRecord; readonly deadLetter: DeadLetter };

export type RecordDecoder = (record: MskRecord) => DecodedRecord;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * TypeBox checks `format` only through its global registry, which starts empty. Registered only if
 * absent so a host that already defines "date-time" keeps its definition.
 */
function ensureDateTimeFormat(): void {
  if (!FormatRegistry.Has("date-time")) {
    FormatRegistry.Set("date-time", (value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)));
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

interface Rejection {
  readonly code: SinkRejectionCode;
  readonly message: string;
  readonly path?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Compiles the contract's CollectedEvent check once and returns a pure function from one Kafka
 * record to either its storage row (by the layout's mapping: the contract's unless a test maps more)
 * or a dead letter. It never throws for bad input: one malformed record must not hold back the rest
 * of the batch.
 */
export function createRecordDecoder(layout: StorageLayout = contractLayout): RecordDecoder {
  ensureDateTimeFormat();
  const check = TypeCompiler.Compile(CollectedEvent);
  const toRow =
    layout === contractLayout ? toStorageRow : (compileStorageRow(layout.mapping) as (c: CollectedEvent) => StorageRow);

  const reject = (record: MskRecord, rejection: Rejection, original: unknown, parsed?: unknown): DecodedRecord => {
    const parsedObject = isObject(parsed) ? parsed : undefined;
    const receivedAt =
      typeof parsedObject?.receivedAt === "string" && FormatRegistry.Get("date-time")?.(parsedObject.receivedAt)
        ? parsedObject.receivedAt
        : new Date(record.timestamp).toISOString();
    const sourceId = isObject(parsedObject?.enrichment) ? parsedObject.enrichment.sourceId : undefined;
    // The contract allows extra reason fields; where the record came from is what a replay needs.
    const reason: DeadLetter["reason"] & Record<string, unknown> = {
      ...rejection,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
    };
    const deadLetter: DeadLetter = {
      v: COLLECTED_EVENT_VERSION,
      stage: "sink",
      reason,
      receivedAt,
      ...(typeof sourceId === "string" ? { sourceId } : {}),
      original,
    };
    return { ok: false, record, deadLetter };
  };

  return (record) => {
    if (record.value === null || record.value === undefined || record.value === "") {
      return reject(record, { code: "empty_value", message: "the record has no value (tombstone?)" }, null);
    }
    const bytes = Buffer.from(record.value, "base64");
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      // Kept as base64 so the exact bytes survive the JSON Lines file for a replay.
      return reject(record, { code: "not_utf8", message: "the record value is not UTF-8 text" }, record.value);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return reject(record, { code: "not_json", message: (error as Error).message }, text);
    }
    if (!check.Check(parsed)) {
      const first = check.Errors(parsed).First();
      return reject(
        record,
        {
          code: "not_collected_event",
          message: first ? `${first.path || "/"} ${first.message}` : "not a CollectedEvent",
          path: first?.path || "/",
        },
        text,
        parsed,
      );
    }
    try {
      return { ok: true, record, row: toRow(parsed) };
    } catch (error) {
      const rejection: Rejection =
        error instanceof StorageMappingError
          ? { code: error.code, message: error.message, path: error.field }
          : { code: "storage_mapping_failed", message: String((error as Error)?.message ?? error) };
      return reject(record, rejection, text, parsed);
    }
  };
}
