import type { DeadLetter, StorageRow } from "@shop/event-schema";
import type { PartitionBounds } from "../config.js";
import type { RecordDecoder } from "./decode.js";
import { type MskEvent, recordsByTopicPartition, type TopicPartition } from "./msk-event.js";
import { dataObjectKey, deadLetterObjectKey, type OffsetRange } from "./object-key.js";
import { type HourPartition, hourPartitionOf, partitionFor, partitionPath } from "./partition.js";

interface PlannedObjectBase {
  readonly key: string;
  readonly partition: HourPartition;
}

export type PlannedObject =
  | (PlannedObjectBase & { readonly kind: "data"; readonly rows: readonly StorageRow[] })
  | (PlannedObjectBase & { readonly kind: "dead-letter"; readonly deadLetters: readonly DeadLetter[] });

/** Everything one topic-partition of a batch turns into; it succeeds or is retried as a unit. */
export interface TopicPartitionPlan {
  readonly tp: TopicPartition;
  readonly range: OffsetRange;
  readonly recordCount: number;
  readonly objects: readonly PlannedObject[];
}

export interface PlanOptions {
  readonly decode: RecordDecoder;
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

/**
 * Decides, without any I/O, which objects a batch becomes: per topic-partition, one Parquet object
 * per hour partition its rows fall in, plus one dead-letter object per hour of its rejected records.
 * Rows keep offset order inside each object.
 */
export function planBatch(event: MskEvent, options: PlanOptions): TopicPartitionPlan[] {
  const plans: TopicPartitionPlan[] = [];
  for (const { tp, records } of recordsByTopicPartition(event).values()) {
    const first = records[0];
    const last = records[records.length - 1];
    if (!first || !last) continue;
    const range: OffsetRange = { ...tp, firstOffset: first.offset, lastOffset: last.offset };
    const rows: StorageRow[] = [];
    const deadLetters: DeadLetter[] = [];
    for (const record of records) {
      const decoded = options.decode(record);
      if (decoded.ok) rows.push(decoded.row);
      else deadLetters.push(decoded.deadLetter);
    }
    const objects: PlannedObject[] = [
      ...bucketBy(rows, (row) => partitionFor(row, options.partitioning)).map(
        ({ partition, items }): PlannedObject => ({
          kind: "data",
          key: dataObjectKey(options.prefix, partition, range),
          partition,
          rows: items,
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
