import { type Consumer, type EachBatchPayload, Kafka, logLevel as KafkaLogLevel, type KafkaMessage } from "kafkajs";
import type { MskRecord, TopicPartition } from "../core/msk-event.js";
import { SinkError } from "../errors.js";
import type { SinkHandler } from "../handler.js";
import type { Logger } from "../logger.js";
import { BatchAccumulator, type FlushThresholds, type PendingBatch, splitOnFailures } from "./accumulator.js";
import { registerLz4Codec } from "./lz4-codec.js";

export interface LocalRunnerOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
  /** @default "shop-s3-sink-local" */
  readonly clientId?: string;
  /** Where a group without committed offsets starts. @default true (the earliest offset) */
  readonly fromBeginning?: boolean;
  readonly flush: FlushThresholds;
  /** Stop once every partition is committed up to the end offsets seen at start. */
  readonly once?: boolean;
  /** Stop after this long without a new record (after flushing what is buffered). */
  readonly idleExitMs?: number;
  /** Handler attempts per batch before the runner gives up (without committing). @default 5 */
  readonly maxAttempts?: number;
  /** First retry delay, doubled per attempt. @default 500 */
  readonly retryBackoffMs?: number;
  /**
   * How long the runner keeps rejoining its group after the consumer crashed on a broker error that kafkajs does
   * not retry itself (a broker restart: "Failed to find group coordinator"), before it gives up and throws.
   * Rejoining is safe at any time: offsets are committed only after the write, so what was buffered is read
   * again. @default 300000
   */
  readonly rejoinWindowMs?: number;
  /** First delay before a rejoin, doubled per failed attempt up to 5 s. @default 500 */
  readonly rejoinBackoffMs?: number;
  /** How often the clock-driven checks (batching window, idle, caught up) run. @default 100 */
  readonly tickMs?: number;
  readonly logger: Logger;
  /** Aborting stops the runner gracefully: flush, commit, disconnect. */
  readonly signal?: AbortSignal;
}

export type StopReason = "caught-up" | "idle" | "aborted";

export interface RunSummary {
  readonly stopReason: StopReason;
  readonly batches: number;
  readonly records: number;
  /** Per "<topic>-<partition>", the last offset committed (the next one to read). */
  readonly committed: Readonly<Record<string, number>>;
}

/** The handler kept failing for a batch; nothing of it was committed, so a restart retries it. */
export class BatchRetriesExhaustedError extends SinkError {
  readonly code = "SINK_LOCAL_RETRIES_EXHAUSTED";
  constructor(attempts: number, options: { cause: unknown }) {
    super(`the handler failed ${attempts} times for one batch; stopping without committing it`, options);
    this.name = "BatchRetriesExhaustedError";
  }
}

const tpKey = ({ topic, partition }: TopicPartition) => `${topic}-${partition}`;

const base64 = (value: Buffer | null): string | null => (value === null ? null : value.toString("base64"));

/** A kafkajs message in the shape Lambda delivers Kafka records. */
export function toMskRecord(topic: string, partition: number, message: KafkaMessage): MskRecord {
  const headers: Array<Record<string, number[]>> = [];
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined) headers.push({ [name]: [...(typeof one === "string" ? Buffer.from(one) : one)] });
    }
  }
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    // kafkajs does not expose the batch's timestamp type; the collector's producer sets CreateTime.
    timestampType: "CREATE_TIME",
    key: base64(message.key ?? null),
    value: base64(message.value),
    headers,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Drives the Lambda handler from a Kafka consumer group, the way the MSK event source mapping does:
 * buffer per topic-partition, hand a batch to the handler, and commit each topic-partition's offsets
 * only after the handler reported its objects written. Offsets are never committed automatically, so
 * a crash at any point leaves the uncommitted records to be read and written again.
 */
export async function runLocalSink(handler: SinkHandler, options: LocalRunnerOptions): Promise<RunSummary> {
  const { logger } = options;
  registerLz4Codec();
  const kafka = new Kafka({
    clientId: options.clientId ?? "shop-s3-sink-local",
    brokers: [...options.brokers],
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...fields } = log;
        (level <= KafkaLogLevel.ERROR ? logger.error : logger.warn)(`kafkajs: ${message}`, fields);
      },
  });
  const admin = kafka.admin();
  let consumer: Consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  const accumulator = new BatchAccumulator(options.flush, options.brokers.join(","));
  const committed = new Map<string, number>();
  /** Per topic-partition, the end offset seen at start: the --once goal. */
  const targets = new Map<string, { tp: TopicPartition; end: number }>();
  let batches = 0;
  let records = 0;
  let lastRecordAt = Date.now();
  let stopReason: StopReason | undefined;
  let fatal: unknown;
  let flushing: Promise<void> = Promise.resolve();
  let resolveStop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    resolveStop = resolve;
  });

  const requestStop = (reason: StopReason) => {
    stopReason ??= reason;
    resolveStop();
  };

  const commit = async (commits: PendingBatch["commits"]) => {
    if (commits.length === 0) return;
    try {
      await consumer.commitOffsets(commits.map((c) => ({ ...c, offset: String(c.offset) })));
      for (const c of commits) committed.set(tpKey(c), Math.max(committed.get(tpKey(c)) ?? 0, c.offset));
    } catch (error) {
      // The objects are written; a later commit covers these offsets, and if the group rebalanced they
      // are read again and rewritten. Either way nothing is lost, so this is not fatal.
      logger.warn("offset commit failed", { error: (error as Error).message, commits });
    }
  };

  const deliver = async (first: PendingBatch) => {
    let batch: PendingBatch | undefined = first;
    let attempt = 0;
    const maxAttempts = options.maxAttempts ?? 5;
    while (batch) {
      attempt += 1;
      try {
        const response = await handler(batch.event);
        const { committable, retry } = splitOnFailures(batch, response.batchItemFailures ?? []);
        await commit(committable);
        if (retry && attempt >= maxAttempts) throw new Error(`${retry.recordCount} records still failing`);
        batch = retry;
      } catch (error) {
        if (attempt >= maxAttempts) throw new BatchRetriesExhaustedError(attempt, { cause: error });
        logger.warn("handler failed; retrying the same batch", { attempt, error: (error as Error).message });
      }
      if (batch) await sleep((options.retryBackoffMs ?? 500) * 2 ** (attempt - 1));
    }
  };

  /** Serializes flushes: the fetch loop and the clock both trigger them. */
  const flush = (force: boolean): Promise<void> => {
    flushing = flushing.then(async () => {
      if (fatal !== undefined || !(force || accumulator.isDue(Date.now()))) return;
      const batch = accumulator.take();
      if (!batch) return;
      try {
        await deliver(batch);
        batches += 1;
        records += batch.recordCount;
      } catch (error) {
        fatal = error;
        requestStop("aborted");
      }
    });
    return flushing;
  };

  /** Everything up to the targets is at least buffered. */
  const caughtUp = () =>
    [...targets].every(
      ([key, { tp, end }]) => Math.max(committed.get(key) ?? 0, accumulator.bufferedUpTo(tp) ?? 0) >= end,
    );
  const fullyCommitted = () => [...targets].every(([key, { end }]) => (committed.get(key) ?? 0) >= end);

  const eachBatch = async ({ batch, heartbeat, isStale }: EachBatchPayload) => {
    if (isStale() || stopReason !== undefined) return;
    for (const message of batch.messages) {
      accumulator.add(toMskRecord(batch.topic, batch.partition, message), Date.now());
      lastRecordAt = Date.now();
      if (accumulator.isFull()) {
        await flush(false);
        await heartbeat();
      }
    }
    await flush(options.once === true && caughtUp());
    await heartbeat();
  };

  const tick = async () => {
    if (stopReason !== undefined) return;
    await flush(false);
    if (options.once && caughtUp()) {
      await flush(true);
      if (fullyCommitted()) requestStop("caught-up");
    }
    if (options.idleExitMs !== undefined && Date.now() - lastRecordAt >= options.idleExitMs) {
      await flush(true);
      if (accumulator.recordCount === 0) requestStop("idle");
    }
  };

  /** Since when the consumer has been out of its group after a crash (undefined while it is in). */
  let outOfGroupSince: number | undefined;
  const rejoinWindowMs = options.rejoinWindowMs ?? 300_000;

  const startConsumer = async () => {
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // After a (re)join the consumer resumes from committed offsets: drop the uncommitted buffer.
      accumulator.reset();
      outOfGroupSince = undefined;
      logger.info("joined consumer group", { groupId: options.groupId, assignment: payload.memberAssignment });
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts the consumer itself after a retriable error; after any other it has disconnected.
      if (payload.restart || stopReason !== undefined) return;
      outOfGroupSince ??= Date.now();
      if (Date.now() - outOfGroupSince >= rejoinWindowMs) {
        fatal ??= payload.error;
        requestStop("aborted");
        return;
      }
      logger.warn("consumer crashed; rejoining the group", { error: payload.error.message });
      void rejoin(0);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning ?? true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch });
  };

  /** A fresh consumer in the same group (a crashed kafkajs consumer is not restartable), until one connects. */
  const rejoin = async (attempt: number): Promise<void> => {
    await sleep(Math.min(5_000, (options.rejoinBackoffMs ?? 500) * 2 ** attempt));
    if (stopReason !== undefined) return;
    await consumer.disconnect().catch(() => undefined);
    consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
    try {
      await startConsumer();
    } catch (error) {
      if (Date.now() - (outOfGroupSince ?? Date.now()) >= rejoinWindowMs) {
        fatal ??= error;
        requestStop("aborted");
        return;
      }
      logger.warn("rejoin failed; trying again", { attempt, error: (error as Error).message });
      await rejoin(attempt + 1);
    }
  };

  const onAbort = () => requestStop("aborted");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  let timer: NodeJS.Timeout | undefined;
  try {
    await admin.connect();
    // The group's committed offsets and the topic's end offsets at start define "caught up" for --once.
    const ends = await admin.fetchTopicOffsets(options.topic);
    const [groupOffsets] = await admin.fetchOffsets({ groupId: options.groupId, topics: [options.topic] });
    for (const { partition, high, low } of ends) {
      const tp = { topic: options.topic, partition };
      const key = tpKey(tp);
      targets.set(key, { tp, end: Number(high) });
      const previous = Number(groupOffsets?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
      committed.set(key, Math.max(previous, Number(low)));
    }
    await admin.disconnect();

    await startConsumer();
    timer = setInterval(() => void tick(), options.tickMs ?? 100);
    await stopped;
    clearInterval(timer);
    // Flush what is left while the consumer still runs: kafkajs ignores commits once it is stopped.
    if (stopReason === "aborted" && fatal === undefined) await flush(true);
    await flushing;
  } finally {
    if (timer) clearInterval(timer);
    options.signal?.removeEventListener("abort", onAbort);
    await consumer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
  if (fatal !== undefined) throw fatal;
  return { stopReason: stopReason ?? "aborted", batches, records, committed: Object.fromEntries(committed) };
}
