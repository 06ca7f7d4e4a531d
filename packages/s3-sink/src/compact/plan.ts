import { createHash } from "node:crypto";
import { dataRoot, PARQUET_SUFFIX, parseObjectKey } from "../core/object-key.js";
import { type HourPartition, partitionPath } from "../core/partition.js";
import type { ListedObject } from "../storage/object-store.js";

/**
 * Compaction, the pure part: which objects of an hour partition are merged into which new ones, and
 * the manifest that makes a crashed run resumable. No I/O here; compactor.ts runs the plan.
 *
 * The protocol (each step safe to crash after, and re-running resumes):
 * 1. Write the manifest: the inputs (every Parquet object of the hour) and the outputs' keys.
 * 2. Write the outputs. Their keys derive from the inputs' keys, so a re-run rewrites the same keys.
 * 3. Read the outputs back: row count = distinct event ids = the inputs' distinct event ids.
 * 4. Delete the inputs (only now), then the manifest.
 * A re-run that finds a manifest resumes it: inputs all there → redo 2-4; some gone → the deletes had
 * begun, so 3 had passed: check the outputs hold every remaining input's ids, finish 4.
 */

export const COMPACTED_PREFIX = "compacted+";
export const MANIFEST_ROOT = "_compaction";
export const MANIFEST_VERSION = 1;
/** ~128 MiB files: what Athena and Spark read best (few requests, row groups large enough to skip). */
export const DEFAULT_TARGET_BYTES = 128 * 1024 * 1024;

export interface CompactionOutput {
  readonly key: string;
  /** Input keys whose rows go to this output, in the order they are read. */
  readonly inputs: readonly string[];
}

export interface CompactionManifest {
  readonly v: typeof MANIFEST_VERSION;
  readonly partition: HourPartition;
  readonly createdAt: string;
  /** Every input, in read order: earlier compacted files first, then small files by topic, partition and offset. */
  readonly inputs: readonly ListedObject[];
  readonly outputs: readonly CompactionOutput[];
}

/** The hour's folder: `<prefix>/events/dt=…/hour=…/`. */
export const partitionFolder = (prefix: string, partition: HourPartition): string =>
  `${dataRoot(prefix)}/${partitionPath(partition)}/`;

/** Outside `events/`, so no table over the events sees it. */
export const manifestKey = (prefix: string, partition: HourPartition): string =>
  [prefix, MANIFEST_ROOT, partitionPath(partition), "manifest.json"].filter((p) => p !== "").join("/");

export const isCompactedKey = (key: string): boolean =>
  key.slice(key.lastIndexOf("/") + 1).startsWith(COMPACTED_PREFIX) && key.endsWith(PARQUET_SUFFIX);

/** Read order: compacted files hold older rows, so they come first; then by topic, partition and offset. */
function readOrder(a: ListedObject, b: ListedObject): number {
  const ca = isCompactedKey(a.key);
  const cb = isCompactedKey(b.key);
  if (ca !== cb) return ca ? -1 : 1;
  const ra = parseObjectKey(a.key);
  const rb = parseObjectKey(b.key);
  if (ra && rb) {
    if (ra.topic !== rb.topic) return ra.topic < rb.topic ? -1 : 1;
    if (ra.partition !== rb.partition) return ra.partition - rb.partition;
    if (ra.firstOffset !== rb.firstOffset) return ra.firstOffset - rb.firstOffset;
  }
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export interface PlanCompactionOptions {
  readonly prefix: string;
  readonly partition: HourPartition;
  /** An output takes inputs until their summed size reaches this. @default DEFAULT_TARGET_BYTES */
  readonly targetBytes?: number;
  readonly createdAt: Date;
}

/**
 * Plans the compaction of one hour partition from its listing, or returns undefined when there is
 * nothing to merge (no objects, or one compacted file and no small ones).
 *
 * Inputs are grouped into outputs in read order by their summed size, a deterministic stand-in for the
 * output's size (merged files come out smaller: one footer, better compression). The outputs' keys
 * hash every input key, so the same inputs always name the same outputs, and new inputs new ones.
 */
export function planCompaction(listing: readonly ListedObject[], options: PlanCompactionOptions) {
  const folder = partitionFolder(options.prefix, options.partition);
  const inputs = listing
    .filter(
      (o) => o.key.startsWith(folder) && o.key.endsWith(PARQUET_SUFFIX) && !o.key.slice(folder.length).includes("/"),
    )
    .sort(readOrder);
  const small = inputs.filter((o) => !isCompactedKey(o.key));
  if (inputs.length === 0 || (small.length === 0 && inputs.length === 1)) return undefined;

  const target = options.targetBytes ?? DEFAULT_TARGET_BYTES;
  const groups: ListedObject[][] = [];
  let current: ListedObject[] = [];
  let bytes = 0;
  for (const input of inputs) {
    if (current.length > 0 && bytes + input.size > target) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(input);
    bytes += input.size;
  }
  if (current.length > 0) groups.push(current);

  const hash = createHash("sha256")
    .update(inputs.map((o) => o.key).join("\n"))
    .digest("hex")
    .slice(0, 16);
  const outputs: CompactionOutput[] = groups.map((group, index) => ({
    key: `${folder}${COMPACTED_PREFIX}${hash}+${String(index).padStart(4, "0")}${PARQUET_SUFFIX}`,
    inputs: group.map((o) => o.key),
  }));
  const manifest: CompactionManifest = {
    v: MANIFEST_VERSION,
    partition: options.partition,
    createdAt: options.createdAt.toISOString(),
    inputs,
    outputs,
  };
  return manifest;
}

export interface CompactionTiming {
  /** The sink's LATE_EVENT_BOUND: rows with event time in the hour arrive up to this long after it. */
  readonly lateEventBoundMs: number;
  /**
   * How late a batch can still be written (or rewritten by a retry) after its records were received:
   * consumer lag plus the event source's retry window (MaximumRecordAgeInSeconds).
   */
  readonly maxDeliveryDelayMs: number;
}

const HOUR_MS = 3_600_000;

/**
 * The compaction rule: an hour is closed, and compacted once and for good, when no batch can still
 * write into it — its end, plus the late-event bound (rows partitioned by event time), plus the
 * delivery delay. Compacting earlier is allowed (--force) and safe: a small object that appears
 * afterwards (a late row, or a retried batch rewriting a key that compaction already merged and
 * deleted) stays beside the compacted file until the next run merges it, dropping the duplicates.
 */
export function earliestCompaction(partition: HourPartition, timing: CompactionTiming): Date {
  const hourEnd = Date.parse(`${partition.dt}T00:00:00.000Z`) + (partition.hour + 1) * HOUR_MS;
  return new Date(hourEnd + timing.lateEventBoundMs + timing.maxDeliveryDelayMs);
}
