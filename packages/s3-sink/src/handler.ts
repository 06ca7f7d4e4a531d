import { PlanWorkspace } from "./columnar/storage-row-batch.js";
import type { SinkConfig } from "./config.js";
import { type PlannedObject, planBatch, renderDeadLetters, type TopicPartitionPlan } from "./core/batch-plan.js";
import { createRecordDecoder, type RecordDecoder } from "./core/decode.js";
import { batchItemIdentifier, type MskEvent, type SinkResponse } from "./core/msk-event.js";
import { createRecordScanner } from "./core/record-scanner.js";
import { ObjectStoreError, SinkWriteError } from "./errors.js";
import { jsonLogger, type Logger } from "./logger.js";
import { encodeSinkFile, PARQUET_CONTENT_TYPE } from "./parquet/sink-file.js";
import type { ObjectStore } from "./storage/object-store.js";

export interface HandlerDependencies {
  readonly store: ObjectStore;
  readonly config: SinkConfig;
  /** @default JSON lines on stdout */
  readonly logger?: Logger;
  /** @default the contract's CollectedEvent check, compiled once */
  readonly decode?: RecordDecoder;
  /**
   * Scan records straight into columns (record-scanner.ts), falling back to `decode` for the records
   * it gives up on. Off: every record takes `decode`. Same objects either way; on is ~4x faster.
   * @default true
   */
  readonly fastPath?: boolean;
}

export type SinkHandler = (event: MskEvent) => Promise<SinkResponse>;

const DEAD_LETTER_CONTENT_TYPE = "application/x-ndjson";

const encoder = new TextEncoder();

function render(object: PlannedObject): { body: Uint8Array; contentType: string } {
  return object.kind === "data"
    ? { body: encodeSinkFile(object.rows), contentType: PARQUET_CONTENT_TYPE }
    : { body: encoder.encode(renderDeadLetters(object.deadLetters)), contentType: DEAD_LETTER_CONTENT_TYPE };
}

/** Runs `task` over `items` with at most `limit` in flight; settles all, like Promise.allSettled. */
async function settleWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: "fulfilled", value: await task(items[index] as T, index) };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Builds the sink's Lambda handler around an object store. For each topic-partition of the batch it
 * writes one Parquet object per hour partition and dead letters beside them; only when every object
 * of a topic-partition is written does that topic-partition count as done. A failed one is either
 * reported in `batchItemFailures` (from its first offset, when `reportBatchItemFailures` is on) or
 * fails the invocation; both make the same range come back, and the keys make the rewrite idempotent.
 */
export function createHandler(dependencies: HandlerDependencies): SinkHandler {
  const { store, config } = dependencies;
  const logger = dependencies.logger ?? jsonLogger();
  const decode = dependencies.decode ?? createRecordDecoder();
  const scanner = dependencies.fastPath === false ? undefined : createRecordScanner();
  const workspace = new PlanWorkspace();

  return async (event) => {
    const started = performance.now();
    const plans = planBatch(event, {
      decode,
      ...(scanner ? { scanner } : {}),
      prefix: config.prefix,
      partitioning: config.partitioning,
      workspace,
    });
    const work = plans.flatMap((plan) => plan.objects.map((object) => ({ plan, object })));
    // Every object is encoded before the first await: the rows live in the reused workspace, which
    // the next call (even one overlapping this one's uploads) plans into.
    const bodies = work.map(({ object }) => render(object));

    const results = await settleWithConcurrency(work, config.putConcurrency, async ({ object }, index) => {
      const { body, contentType } = bodies[index] as { body: Uint8Array; contentType: string };
      await store.put(object.key, body, contentType);
      return body.byteLength;
    });

    const failedPlans = new Set<TopicPartitionPlan>();
    const failures: ObjectStoreError[] = [];
    let bytes = 0;
    results.forEach((result, index) => {
      const item = work[index];
      if (!item) return;
      if (result.status === "fulfilled") {
        bytes += result.value;
        return;
      }
      failedPlans.add(item.plan);
      failures.push(
        result.reason instanceof ObjectStoreError
          ? result.reason
          : new ObjectStoreError(item.object.key, { cause: result.reason }),
      );
    });

    const deadLetters = work.flatMap(({ object }) => (object.kind === "dead-letter" ? object.deadLetters : []));
    logger.info("sink batch", {
      topicPartitions: plans.length,
      records: plans.reduce((n, p) => n + p.recordCount, 0),
      rows: work.reduce((n, { object }) => n + (object.kind === "data" ? object.rows.length : 0), 0),
      deadLetters: deadLetters.length,
      deadLetterReasons: countBy(deadLetters.map((dl) => dl.reason.code)),
      objects: work.length,
      bytes,
      failedObjects: failures.length,
      ms: Math.round(performance.now() - started),
    });

    if (failures.length === 0) return { batchItemFailures: [] };
    for (const failure of failures) logger.error("object write failed", { key: failure.key, error: failure.message });
    if (!config.reportBatchItemFailures) throw new SinkWriteError(failures);
    return {
      batchItemFailures: [...failedPlans].map((plan) => ({
        itemIdentifier: batchItemIdentifier(plan.tp, plan.range.firstOffset),
      })),
    };
  };
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
