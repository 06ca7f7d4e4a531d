import type { DeadLetter } from "@shop/event-schema";
import { COLUMN_INDEX, StorageRowBatch } from "../columnar/storage-row-batch.js";
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
  /** The fast path (see record-scanner.ts); without it every record takes `decode`. */
  readonly scanner?: RecordScanner;
  readonly prefix: string;
  readonly partitioning: PartitionBounds;
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

  /** @param expectedRows the records of the topic-partition: the first hour's batch is sized for all. */
  constructor(private readonly expectedRows: number) {}

  batchFor(hour: number): StorageRowBatch {
    // Consecutive records mostly share an hour: skip the map lookup for them.
    if (hour === this.lastHour && this.last) return this.last;
    let batch = this.groups.get(hour);
    if (!batch) {
      // Most batches fall in one hour; a second hour's batch starts small and grows.
      batch = new StorageRowBatch(this.groups.size === 0 ? this.expectedRows : undefined);
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

const EVENT_TS = COLUMN_INDEX.event_ts;
const RECEIVED_AT = COLUMN_INDEX.received_at;

/** Holds one record's decoded bytes; grown as needed and reused, so decoding allocates nothing per record. */
class RecordBytes {
  buffer = Buffer.allocUnsafe(64 * 1024);

  /** Base64 → bytes, with the same decoder as Buffer.from(value, "base64"); returns the byte length. */
  decode(value: string): number {
    const needed = (value.length * 3) >> 2;
    if (needed > this.buffer.length) this.buffer = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    return this.buffer.write(value, 0, "base64");
  }
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
  const bytes = new RecordBytes();
  for (const { tp, records } of recordsByTopicPartition(event).values()) {
    const first = records[0];
    const last = records[records.length - 1];
    if (!first || !last) continue;
    const range: OffsetRange = { ...tp, firstOffset: first.offset, lastOffset: last.offset };
    const rows = new RowsByHour(records.length);
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
      const length = bytes.decode(record.value);
      if (!scanner.scan(bytes.buffer, 0, length)) {
        slowPath(record);
        continue;
      }
      const { num } = scanner.row;
      const hour = partitionHourOf(num[EVENT_TS] as number, num[RECEIVED_AT] as number, partitioning);
      rows.batchFor(hour).appendScanned(bytes.buffer, scanner.row);
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
