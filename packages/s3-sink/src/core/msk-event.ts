/**
 * The event Lambda's Kafka event source mapping (MSK or self-managed) hands the function, and the
 * response it reads back. Declared here rather than taken from @types/aws-lambda so the sink's core
 * has no dependency beyond the contract, and the local runner can build the very same shape.
 */

/** One Kafka record as Lambda delivers it: key and value base64, offsets as numbers. */
export interface MskRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Epoch milliseconds (producer's CreateTime or the broker's LogAppendTime, per timestampType). */
  readonly timestamp: number;
  readonly timestampType: "CREATE_TIME" | "LOG_APPEND_TIME" | string;
  /** Base64; absent or null for a record without a key. */
  readonly key?: string | null;
  /** Base64; null for a tombstone. */
  readonly value: string | null;
  /** Each header is a one-entry object whose value is the header's bytes. */
  readonly headers?: ReadonlyArray<Readonly<Record<string, readonly number[]>>>;
}

export interface MskEvent {
  readonly eventSource: "aws:kafka" | "SelfManagedKafka" | string;
  readonly eventSourceArn?: string;
  readonly bootstrapServers?: string;
  /** Keyed "<topic>-<partition>"; each list is in offset order. */
  readonly records: Readonly<Record<string, readonly MskRecord[]>>;
}

/** A record Lambda should retry from; for Kafka the identifier is "<topic>-<partition>-<offset>". */
export interface BatchItemFailure {
  readonly itemIdentifier: string;
}

/** With ReportBatchItemFailures on, an empty list means the whole batch succeeded. */
export interface SinkResponse {
  readonly batchItemFailures: BatchItemFailure[];
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export const topicPartitionKey = ({ topic, partition }: TopicPartition): string => `${topic}-${partition}`;

export const batchItemIdentifier = ({ topic, partition }: TopicPartition, offset: number): string =>
  `${topic}-${partition}-${offset}`;

/**
 * Groups the event's records by topic-partition, in offset order. Trusts the records' own topic and
 * partition fields over the map key: a topic name may itself contain "-". Lambda's lists are already
 * one topic-partition each, in offset order; runs of the same topic-partition are taken whole and
 * sorting is skipped when the offsets already increase, since this runs for every record.
 */
export function recordsByTopicPartition(event: MskEvent): Map<string, { tp: TopicPartition; records: MskRecord[] }> {
  const groups = new Map<string, { tp: TopicPartition; records: MskRecord[] }>();
  for (const list of Object.values(event.records ?? {})) {
    let i = 0;
    while (i < list.length) {
      const first = list[i] as MskRecord;
      const key = topicPartitionKey(first);
      let group = groups.get(key);
      if (!group) {
        group = { tp: { topic: first.topic, partition: first.partition }, records: [] };
        groups.set(key, group);
      }
      const records = group.records;
      let record: MskRecord | undefined = first;
      while (record !== undefined && record.topic === first.topic && record.partition === first.partition) {
        records.push(record);
        record = list[++i];
      }
    }
  }
  for (const group of groups.values()) {
    const records = group.records;
    for (let i = 1; i < records.length; i++) {
      if ((records[i] as MskRecord).offset < (records[i - 1] as MskRecord).offset) {
        records.sort((a, b) => a.offset - b.offset);
        break;
      }
    }
  }
  return groups;
}
