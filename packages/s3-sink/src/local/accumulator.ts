import {
  type BatchItemFailure,
  batchItemIdentifier,
  type MskEvent,
  type MskRecord,
  type TopicPartition,
  topicPartitionKey,
} from "../core/msk-event.js";

/** When the runner hands its buffer to the handler: whichever limit is reached first. */
export interface FlushThresholds {
  /** @default 10_000 (Lambda's largest batch size) */
  readonly maxRecords: number;
  /**
   * Base64 bytes of keys and values; stays under Lambda's 6 MB invoke payload with room for the
   * event's JSON around them.
   * @default 4_194_304 (4 MiB)
   */
  readonly maxBytes: number;
  /** Age of the oldest buffered record, like Lambda's batching window. @default 5_000 */
  readonly maxWaitMs: number;
}

export const DEFAULT_FLUSH_THRESHOLDS: FlushThresholds = {
  maxRecords: 10_000,
  maxBytes: 4 * 1024 * 1024,
  maxWaitMs: 5_000,
};

/** A batch taken from the accumulator: the event for the handler, and what to commit after it. */
export interface PendingBatch {
  readonly event: MskEvent;
  readonly recordCount: number;
  /** Per topic-partition, the offset to commit once the handler succeeded (last offset + 1). */
  readonly commits: ReadonlyArray<TopicPartition & { readonly offset: number }>;
}

interface Buffer {
  readonly tp: TopicPartition;
  readonly records: MskRecord[];
}

const recordBytes = (record: MskRecord): number => (record.value?.length ?? 0) + (record.key?.length ?? 0);

/**
 * Buffers records per topic-partition until a threshold says flush, then hands them over as one
 * Lambda-shaped event. Pure bookkeeping: the clock is passed in, nothing is read or written.
 */
export class BatchAccumulator {
  private buffers = new Map<string, Buffer>();
  private count = 0;
  private bytes = 0;
  private oldestAt: number | undefined;
  /** Next offset expected per topic-partition; a record below it is a re-delivery and is skipped. */
  private nextOffsets = new Map<string, number>();

  constructor(
    private readonly thresholds: FlushThresholds,
    private readonly bootstrapServers: string,
  ) {}

  get recordCount(): number {
    return this.count;
  }

  /** The offset after the last buffered record of a topic-partition, if any was buffered. */
  bufferedUpTo(tp: TopicPartition): number | undefined {
    return this.nextOffsets.get(topicPartitionKey(tp));
  }

  add(record: MskRecord, now: number): void {
    const key = topicPartitionKey(record);
    const expected = this.nextOffsets.get(key);
    if (expected !== undefined && record.offset < expected) return;
    let buffer = this.buffers.get(key);
    if (!buffer) {
      buffer = { tp: { topic: record.topic, partition: record.partition }, records: [] };
      this.buffers.set(key, buffer);
    }
    buffer.records.push(record);
    this.nextOffsets.set(key, record.offset + 1);
    this.count += 1;
    this.bytes += recordBytes(record);
    this.oldestAt ??= now;
  }

  /** At the record or byte limit: flush before adding more, so no batch exceeds the limits. */
  isFull(): boolean {
    return this.count > 0 && (this.count >= this.thresholds.maxRecords || this.bytes >= this.thresholds.maxBytes);
  }

  isDue(now: number): boolean {
    return this.isFull() || (this.count > 0 && now - (this.oldestAt ?? now) >= this.thresholds.maxWaitMs);
  }

  /** Empties the buffer into one batch; undefined when there is nothing to flush. */
  take(): PendingBatch | undefined {
    if (this.count === 0) return undefined;
    const buffers = [...this.buffers.values()];
    const batch = toPendingBatch(buffers, this.bootstrapServers);
    this.buffers = new Map();
    this.count = 0;
    this.bytes = 0;
    this.oldestAt = undefined;
    return batch;
  }

  /**
   * Forgets everything not yet handed over. After a rebalance the consumer resumes from the committed
   * offsets, so those records come again (possibly to another member).
   */
  reset(): void {
    this.buffers = new Map();
    this.nextOffsets = new Map();
    this.count = 0;
    this.bytes = 0;
    this.oldestAt = undefined;
  }
}

function toPendingBatch(buffers: readonly Buffer[], bootstrapServers: string): PendingBatch {
  const records: Record<string, MskRecord[]> = {};
  const commits: Array<TopicPartition & { offset: number }> = [];
  let recordCount = 0;
  for (const { tp, records: list } of buffers) {
    const last = list[list.length - 1];
    if (!last) continue;
    records[topicPartitionKey(tp)] = list;
    commits.push({ ...tp, offset: last.offset + 1 });
    recordCount += list.length;
  }
  return { event: { eventSource: "aws:kafka", bootstrapServers, records }, recordCount, commits };
}

/**
 * Splits a batch after a partial failure: what can be committed now, and the batch to retry (each
 * failed topic-partition from its reported offset on), or undefined when nothing failed.
 */
export function splitOnFailures(
  batch: PendingBatch,
  failures: readonly BatchItemFailure[],
): { readonly committable: PendingBatch["commits"]; readonly retry: PendingBatch | undefined } {
  if (failures.length === 0) return { committable: batch.commits, retry: undefined };
  const failed = new Set(failures.map((f) => f.itemIdentifier));
  const known = new Set(
    Object.values(batch.event.records).flatMap((list) => list.map((r) => batchItemIdentifier(r, r.offset))),
  );
  // Lambda treats an identifier that names no record of the batch as a failure of the whole batch.
  if ([...failed].some((id) => !known.has(id))) return { committable: [], retry: batch };
  const retryBuffers: Buffer[] = [];
  const committable: Array<TopicPartition & { offset: number }> = [];
  for (const list of Object.values(batch.event.records)) {
    const first = list[0];
    if (!first) continue;
    const tp = { topic: first.topic, partition: first.partition };
    const failedAt = list.findIndex((r) => failed.has(batchItemIdentifier(tp, r.offset)));
    const commit = batch.commits.find((c) => c.topic === tp.topic && c.partition === tp.partition);
    if (failedAt === -1) {
      if (commit) committable.push(commit);
      continue;
    }
    // Records before the failed one succeeded; committing up to it keeps them from coming back.
    if (failedAt > 0) committable.push({ ...tp, offset: (list[failedAt] as MskRecord).offset });
    retryBuffers.push({ tp, records: list.slice(failedAt) });
  }
  return {
    committable,
    retry: retryBuffers.length > 0 ? toPendingBatch(retryBuffers, batch.event.bootstrapServers ?? "") : undefined,
  };
}
