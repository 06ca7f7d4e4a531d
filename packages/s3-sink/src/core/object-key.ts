import { deadLettersLakeTable } from "@shop/event-schema";
import { InvalidOffsetError } from "../errors.js";
import type { TopicPartition } from "./msk-event.js";
import { type HourPartition, partitionPath } from "./partition.js";

/**
 * Object keys name the Kafka offset range they hold, as Kafka Connect's S3 sink does. A retried batch
 * covers the same range, so it writes the same keys and overwrites instead of duplicating: together
 * with commit-after-write this gives exactly-once files without any coordination.
 *
 * `<prefix>/events/dt=YYYY-MM-DD/hour=HH/<topic>+<partition>+<firstOffset:20>+<lastOffset:20>.zstd.parquet`
 * `<prefix>/dead-letter/sink/dt=YYYY-MM-DD/hour=HH/<topic>+<partition>+<first:20>+<last:20>.jsonl`
 *
 * first/last are the first and last offsets of the topic-partition's records in the batch (not only
 * of the rows in that hour), so all objects written for one batch share one range and a reader can
 * spot overlapping ranges left by a re-batched retry.
 */
export interface OffsetRange extends TopicPartition {
  readonly firstOffset: number;
  readonly lastOffset: number;
}

export const DATA_ROOT = "events";
/** The contract's dead_letters folder (Athena's table reads it), this stage's partition under it. */
export const DEAD_LETTER_ROOT = `${deadLettersLakeTable.folder}/sink`;
export const PARQUET_SUFFIX = ".zstd.parquet";
export const DEAD_LETTER_SUFFIX = ".jsonl";

/** 20 digits hold any int64 offset, so keys sort by offset as text. */
const OFFSET_DIGITS = 20;

export function padOffset(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidOffsetError(offset);
  return String(offset).padStart(OFFSET_DIGITS, "0");
}

export const rangeName = (range: OffsetRange): string =>
  `${range.topic}+${range.partition}+${padOffset(range.firstOffset)}+${padOffset(range.lastOffset)}`;

const join = (...parts: string[]): string => parts.filter((p) => p !== "").join("/");

/** The folder Athena's table location points at: `<prefix>/events`. */
export const dataRoot = (prefix: string): string => join(prefix, DATA_ROOT);

export const dataObjectKey = (prefix: string, partition: HourPartition, range: OffsetRange): string =>
  join(dataRoot(prefix), partitionPath(partition), `${rangeName(range)}${PARQUET_SUFFIX}`);

export const deadLetterObjectKey = (prefix: string, partition: HourPartition, range: OffsetRange): string =>
  join(prefix, DEAD_LETTER_ROOT, partitionPath(partition), `${rangeName(range)}${DEAD_LETTER_SUFFIX}`);

const RANGE_NAME = /^(.+)\+(\d+)\+(\d{20})\+(\d{20})$/;

/** Reads the range back from a key's file name, for compaction and for finding overlaps. */
export function parseObjectKey(key: string): (OffsetRange & { readonly kind: "data" | "dead-letter" }) | undefined {
  const file = key.slice(key.lastIndexOf("/") + 1);
  const kind = file.endsWith(PARQUET_SUFFIX) ? "data" : file.endsWith(DEAD_LETTER_SUFFIX) ? "dead-letter" : undefined;
  if (!kind) return undefined;
  const base = file.slice(0, -(kind === "data" ? PARQUET_SUFFIX : DEAD_LETTER_SUFFIX).length);
  const match = RANGE_NAME.exec(base);
  if (!match) return undefined;
  return {
    kind,
    topic: match[1] as string,
    partition: Number(match[2]),
    firstOffset: Number(match[3]),
    lastOffset: Number(match[4]),
  };
}
