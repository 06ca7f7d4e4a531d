import kafkajs, { type EachBatchPayload, Kafka, logLevel as KafkaLogLevel } from "kafkajs";
import type { AlertRecord, RecordHandler, RecordOutcome } from "../core/handle-record.js";
import type { Logger } from "../logger.js";

export interface ConsumerOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
  /** @default "shop-order-hold" */
  readonly clientId?: string;
  /** Where a group without committed offsets starts. @default true (the earliest offset) */
  readonly fromBeginning?: boolean;
  readonly handle: RecordHandler;
  readonly logger: Logger;
  /** Aborting stops the consumer: the record in flight finishes (or its retry wait is cut short), then it disconnects. */
  readonly signal?: AbortSignal;
  /**
   * Called with each final outcome once it is durable (hold placed and its id recorded, dead letter
   * written), before the offset is committed. For observation; a throw stops the consumer without
   * committing that offset, as a crash at that point would.
   */
  readonly onRecord?: (outcome: RecordOutcome, record: AlertRecord) => void | Promise<void>;
}

export type OutcomeCounts = Record<Exclude<RecordOutcome["kind"], "interrupted">, number>;

export interface ConsumerSummary {
  /** Records finished (and committed, unless the commit itself failed) by kind. */
  readonly counts: OutcomeCounts;
}

// kafkajs spreads its error classes into module.exports, which Node cannot see as named ESM exports.
const { KafkaJSError } = kafkajs;

/** Longest stretch a retry wait goes without a heartbeat (kafkajs' default heartbeat interval is 3 s). */
const WAIT_SLICE_MS = 1_000;

/**
 * Consumes the alerts topic at least once: offsets are never committed automatically, only one by
 * one after the record's outcome is final (hold accepted, or a permanent skip). Records of a partition
 * are handled in order, one at a time, and a record whose webhook keeps failing blocks its partition
 * (with the default `partitionsConsumedConcurrently` of 1, the consumer) until it succeeds or the
 * consumer stops; it is never skipped.
 */
export async function runConsumer(options: ConsumerOptions): Promise<ConsumerSummary> {
  const { logger } = options;
  const kafka = new Kafka({
    clientId: options.clientId ?? "shop-order-hold",
    brokers: [...options.brokers],
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...fields } = log;
        (level <= KafkaLogLevel.ERROR ? logger.error : logger.warn)(`kafkajs: ${message}`, fields);
      },
  });
  // A short fetch wait: a stop does not have to sit out a long poll on an idle topic.
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 1_000 });
  const counts: OutcomeCounts = { held: 0, duplicate: 0, dead_lettered: 0, malformed: 0, skipped: 0 };

  let stopping = false;
  let fatal: unknown;
  const wakers = new Set<() => void>();
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  const requestStop = () => {
    if (stopping) return;
    stopping = true;
    for (const wake of wakers) wake();
    resolveStopped();
  };
  /** The batch being handled, so a stop can let its record (webhook call and commit) finish first. */
  let inFlight: Promise<void> = Promise.resolve();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
    });

  /** Waits in slices, heartbeating between them; false when a stop cut it short. */
  const waitAlive = async (ms: number, heartbeat: () => Promise<void>, isRunning: () => boolean) => {
    const until = Date.now() + ms;
    for (;;) {
      if (stopping || !isRunning()) return false;
      const left = until - Date.now();
      if (left <= 0) return true;
      await sleep(Math.min(left, WAIT_SLICE_MS));
      if (stopping || !isRunning()) return false;
      // Throws when the group rebalances: handled in eachBatch (the record comes again).
      await heartbeat();
    }
  };

  const handleBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    const { topic, partition } = batch;
    const control = {
      shouldStop: () => stopping || !isRunning(),
      wait: (ms: number) => waitAlive(ms, heartbeat, isRunning),
    };
    for (const message of batch.messages) {
      if (stopping || !isRunning() || isStale()) return;
      const record: AlertRecord = { topic, partition, offset: message.offset, value: message.value };
      const outcome = await options.handle(record, control);
      if (outcome.kind === "interrupted") return;
      counts[outcome.kind] += 1;
      await options.onRecord?.(outcome, record);
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      resolveOffset(message.offset);
      await heartbeat();
    }
  };

  const eachBatch = async (payload: EachBatchPayload) => {
    const work = handleBatch(payload);
    inFlight = work.then(
      () => undefined,
      () => undefined,
    );
    try {
      await work;
    } catch (error) {
      // kafkajs' own errors (a rebalance seen by a heartbeat or a commit, a lost connection) go back to
      // kafkajs, which rejoins or retries and reads again from the last resolved offset (here, always
      // the last committed one). Anything else (the state file
      // cannot be written, onRecord threw) stops the consumer: committing past it could lose a hold.
      if (error instanceof KafkaJSError && !stopping) throw error;
      if (!(error instanceof KafkaJSError)) {
        fatal ??= error;
        requestStop();
      }
    }
  };

  const onAbort = () => requestStop();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  try {
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) {
        fatal ??= payload.error;
        requestStop();
      }
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      logger.info("joined consumer group", { groupId: options.groupId, assignment: payload.memberAssignment });
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: options.fromBeginning ?? true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
    await stopped;
    // kafkajs ignores commits once it is stopping: let the record in flight finish and commit first.
    await inFlight;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await consumer.disconnect().catch(() => undefined);
  }
  if (fatal !== undefined) throw fatal;
  return { counts: { ...counts } };
}
