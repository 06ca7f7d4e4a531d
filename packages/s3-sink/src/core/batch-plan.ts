import type { DeadLetter } from "@shop/event-schema";
import { PlanWorkspace, type StorageRowBatch } from "../columnar/storage-row-batch.js";
import type { PartitionBounds } from "../config.js";
import type { RecordDecoder } from "./decode.js";
import { type MskEvent, type MskRecord, recordsByTopicPartition, type TopicPartition } from "./msk-event.js";
import { dataObjectKey, deadLetterObjectKey, type OffsetRange } from "./object-key.js";
import { type HourPartition, hourPartitionOf, partitionHourOf, partitionOfHour, partitionPath } from "./partition.js";
import type { RecordScanner } from "./record-scanner.js";

interface PlannedObjectBase {
  readonly key: string;
  readonly partition: HourPartition;
}

export type PlannedObject =
  | (PlannedObjectBase & { readonly kind: "data"; readonly rows: StorageRowBatch })
  | (PlannedObjectBase & { readonly kind: "dead-letter"; readonly deadLetters: readonly DeadLetter[] });

/** Everything one topic-partition of a batch turns into; it succeeds or is retried as a unit. */
export interface TopicPartitionPlan {
  readonly tp: TopicPartition;
  readonly range: OffsetRange;
  readonly recordCount: number;
  readonly objects: readonly PlannedObject[];
}

export interface PlanOptions {
  /** The reference path: every record the scanner gives up on, and every record when it is absent. */
  readonly decode: RecordDecoder;
  /** The fast path (see record-scanner.ts), for the workspace's layout; without it every record takes `decode`. */
  readonly scanner?: RecordScanner;
  readonly prefix: string;
  readonly partitioning: PartitionBounds;
  /**
   * Memory to reuse (see PlanWorkspace): planning again with it voids the batches of the plan before.
   * @default a new workspace per call
   */
  readonly workspace?: PlanWorkspace;
}

function bucketBy<T>(items: Iterable<T>, partitionOf: (item: T) => HourPartition) {
  const groups = new Map<string, { partition: HourPartition; items: T[] }>();
  for (const item of items) {
    const partition = partitionOf(item);
    const id = partitionPath(partition);
    let group = groups.get(id);
    if (!group) {
      group = { partition, items: [] };
      groups.set(id, group);
    }
    group.items.push(item);
  }
  // Sorted so the plan (and the log lines about it) do not depend on record order.
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => group);
}

/** Rows per hour partition (keyed by partitionHourOf), in the order their records came. */
class RowsByHour {
  private readonly groups = new Map<number, StorageRowBatch>();
  private lastHour = Number.NaN;
  private last: StorageRowBatch | undefined;

  /**
   * @param expectedRows the records of the topic-partition: the first hour's batch is sized for all.
   * @param workspace holds the decoded records every hour's batch points into, and their slots.
   */
  constructor(
    private readonly expectedRows: number,
    private readonly workspace: PlanWorkspace,
  ) {}

  batchFor(hour: number): StorageRowBatch {
    // Consecutive records mostly share an hour: skip the map lookup for them.
    if (hour === this.lastHour && this.last) return this.last;
    let batch = this.groups.get(hour);
    if (!batch) {
      // Most batches fall in one hour; a second hour's batch starts small and grows.
      batch = this.workspace.batch(this.groups.size === 0 ? this.expectedRows : 64);
      this.groups.set(hour, batch);
    }
    this.lastHour = hour;
    this.last = batch;
    return batch;
  }

  /** In time order, so the plan (and the log lines about it) do not depend on record order. */
  sorted(): Array<{ partition: HourPartition; rows: StorageRowBatch }> {
    return [...this.groups.entries()]
      .sort(([a], [b]) => a - b)
      .map(([hour, rows]) => ({ partition: partitionOfHour(hour), rows }));
  }
}

/** Bytes the base64 values of `records` decode to, at most: sizes the arena once. */
function decodedBytesOf(records: readonly MskRecord[]): number {
  let n = 0;
  for (const record of records) if (typeof record.value === "string") n += (record.value.length * 3) >> 2;
  return n;
}

/**
 * Decides, without any I/O, which objects a batch becomes: per topic-partition, one Parquet object
 * per hour partition its rows fall in, plus one dead-letter object per hour of its rejected records.
 * Rows keep offset order inside each object.
 *
 * Each record goes through the scanner first, straight into the columns of its hour's batch; when the
 * scanner gives up, the reference decoder decides (a row, or a dead letter). Both give the same row.
 */
export function planBatch(event: MskEvent, options: PlanOptions): TopicPartitionPlan[] {
  const plans: TopicPartitionPlan[] = [];
  const { scanner, partitioning } = options;
  const workspace = options.workspace ?? new PlanWorkspace();
  workspace.reset();
  const { arena, layout } = workspace;
  const eventTs = layout.index.event_ts as number;
  const receivedAt = layout.index.received_at as number;
  const byTopicPartition = [...recordsByTopicPartition(event).values()];
  // Records decode into the arena and stay there: the rows' strings are spans of it. The slack is for
  // the strings of records that take the reference path and for upper-cased currencies.
  arena.reserve(byTopicPartition.reduce((n, { records }) => n + decodedBytesOf(records), 0) * 1.1 + 4096);
  for (const { tp, records } of byTopicPartition) {
    const first = records[0];
    const last = records[records.length - 1];
    if (!first || !last) continue;
    const range: OffsetRange = { ...tp, firstOffset: first.offset, lastOffset: last.offset };
    const rows = new RowsByHour(records.length, workspace);
    const deadLetters: DeadLetter[] = [];
    const slowPath = (record: MskRecord) => {
      const decoded = options.decode(record);
      if (decoded.ok) {
        const { event_ts, received_at } = decoded.row;
        rows.batchFor(partitionHourOf(event_ts, received_at, partitioning)).appendRow(decoded.row);
      } else deadLetters.push(decoded.deadLetter);
    };
    for (const record of records) {
      if (scanner === undefined || typeof record.value !== "string" || record.value === "") {
        slowPath(record);
        continue;
      }
      const start = arena.appendBase64(record.value);
      if (!scanner.scan(arena.bytes, start, arena.length)) {
        slowPath(record);
        continue;
      }
      const { num } = scanner.row;
      const hour = partitionHourOf(num[eventTs] as number, num[receivedAt] as number, partitioning);
      rows.batchFor(hour).appendScanned(arena.bytes, scanner.row);
    }
    const objects: PlannedObject[] = [
      ...rows.sorted().map(
        ({ partition, rows: batch }): PlannedObject => ({
          kind: "data",
          key: dataObjectKey(options.prefix, partition, range),
          partition,
          rows: batch,
        }),
      ),
      // A dead letter's receivedAt is the collector's when the record got that far, else the Kafka
      // record's timestamp: either way a time that is fixed for the record, so retries agree.
      ...bucketBy(deadLetters, (dl) => hourPartitionOf(Date.parse(dl.receivedAt))).map(
        ({ partition, items }): PlannedObject => ({
          kind: "dead-letter",
          key: deadLetterObjectKey(options.prefix, partition, range),
          partition,
          deadLetters: items,
        }),
      ),
    ];
    plans.push({ tp, range, recordCount: records.length, objects });
  }
  return plans;
}

/** Dead letters as JSON Lines: greppable, and each line replays on its own. */
export const renderDeadLetters = (deadLetters: readonly DeadLetter[]): string =>
  deadLetters.map((dl) => `${JSON.stringify(dl)}\n`).join("");
