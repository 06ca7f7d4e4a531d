import { compareCopies, eventsDedupRule, type StorageRow, storageColumns } from "@shop/event-schema";
import type { Table } from "apache-arrow";
import { tableToIPC } from "apache-arrow";
import * as parquet from "parquet-wasm";
import { StorageRowBatch } from "../columnar/storage-row-batch.js";
import { type HourPartition, partitionPath } from "../core/partition.js";
import { CompactionInputError, CompactionTooEarlyError, CompactionVerificationError, errorMessage } from "../errors.js";
import { type Logger, silentLogger } from "../logger.js";
import {
  decodeParquet,
  PARQUET_CONTENT_TYPE,
  storageBatchToArrowTable,
  storageWriterProperties,
} from "../parquet/encode.js";
import type { LakeStore } from "../storage/object-store.js";
import {
  type CompactionManifest,
  type CompactionOutput,
  type CompactionTiming,
  earliestCompaction,
  MANIFEST_VERSION,
  manifestKey,
  partitionFolder,
  planCompaction,
} from "./plan.js";

export interface CompactOptions {
  readonly prefix: string;
  readonly partition: HourPartition;
  /** @default DEFAULT_TARGET_BYTES (128 MiB) */
  readonly targetBytes?: number;
  readonly timing: CompactionTiming;
  /** Compact even if the hour may still receive objects (see earliestCompaction). */
  readonly force?: boolean;
  /** Plan and report, write nothing. */
  readonly dryRun?: boolean;
  /** Rows per row group of the outputs, and so the rows held in memory at once. @default 500_000 */
  readonly rowGroupRows?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
  readonly logger?: Logger;
}

export interface CompactionSummary {
  readonly status: "nothing-to-do" | "planned" | "compacted" | "resumed";
  readonly partition: string;
  readonly inputs: number;
  readonly inputBytes: number;
  readonly outputs: ReadonlyArray<{ readonly key: string; readonly rows: number; readonly bytes: number }>;
  /** Rows read from the inputs (undefined when resuming after deletes had begun). */
  readonly rowsRead?: number;
  /** Distinct event ids: the rows the outputs hold. */
  readonly distinctEventIds: number;
  /** Copies of an event id that lost to another under the contract's dedup rule: overlapping retries, client re-sends. */
  readonly duplicatesDropped?: number;
}

const MANIFEST_CONTENT_TYPE = "application/json";
const KNOWN_COLUMNS = new Set<string>(storageColumns.map((c) => c.name));

/**
 * Merges an hour partition's Parquet objects into ~targetBytes files with one row per distinct event
 * id — the copy the contract's dedup rule keeps (eventsDedupRule: first received, then a total order
 * on the other columns), as the views and Spark keep it — verifying what it wrote before deleting
 * anything; safe to re-run after a crash at any step.
 * See plan.ts for the protocol and the rule on when an hour may be compacted.
 */
export async function compactHour(store: LakeStore, options: CompactOptions): Promise<CompactionSummary> {
  const logger = options.logger ?? silentLogger;
  const { prefix, partition } = options;
  const name = partitionPath(partition);
  const now = options.now?.() ?? new Date();
  const allowedFrom = earliestCompaction(partition, options.timing);
  if (!options.force && now < allowedFrom) throw new CompactionTooEarlyError(name, allowedFrom);

  const key = manifestKey(prefix, partition);
  const saved = await store.get(key);
  const manifest = saved
    ? parseManifest(key, saved)
    : planCompaction(await store.list(partitionFolder(prefix, partition)), {
        prefix,
        partition,
        createdAt: now,
        ...(options.targetBytes === undefined ? {} : { targetBytes: options.targetBytes }),
      });
  const base = {
    partition: name,
    inputs: manifest?.inputs.length ?? 0,
    inputBytes: manifest?.inputs.reduce((n, o) => n + o.size, 0) ?? 0,
  };
  if (!manifest) return { ...base, status: "nothing-to-do", outputs: [], distinctEventIds: 0 };
  if (options.dryRun) {
    return {
      ...base,
      status: "planned",
      outputs: manifest.outputs.map((o) => ({ key: o.key, rows: 0, bytes: 0 })),
      distinctEventIds: 0,
    };
  }
  if (saved) logger.info("compaction: resuming", { partition: name, manifest: key });
  else {
    await store.put(key, new TextEncoder().encode(JSON.stringify(manifest, null, 2)), MANIFEST_CONTENT_TYPE);
    logger.info("compaction: planned", { partition: name, inputs: base.inputs, outputs: manifest.outputs.length });
  }

  const outputKeys = new Set(manifest.outputs.map((o) => o.key));
  if (manifest.inputs.some((i) => outputKeys.has(i.key))) {
    throw new CompactionVerificationError(`${key}: an output key is also an input; refusing to delete it`);
  }
  const present = new Set((await store.list(partitionFolder(prefix, partition))).map((o) => o.key));
  const remaining = manifest.inputs.filter((i) => present.has(i.key)).map((i) => i.key);

  let summary: CompactionSummary;
  if (remaining.length === manifest.inputs.length) {
    const written = await writeOutputs(store, manifest, options.rowGroupRows ?? 500_000, logger);
    const check = await readOutputs(store, manifest.outputs);
    if (check.rows !== written.ids.size || check.ids.size !== written.ids.size || !isSubset(written.ids, check.ids)) {
      throw new CompactionVerificationError(
        `${name}: outputs hold ${check.rows} rows / ${check.ids.size} distinct ids; inputs had ${written.ids.size} distinct ids. Nothing was deleted.`,
      );
    }
    summary = {
      ...base,
      status: saved ? "resumed" : "compacted",
      outputs: check.outputs,
      rowsRead: written.rowsRead,
      distinctEventIds: written.ids.size,
      duplicatesDropped: written.rowsRead - written.ids.size,
    };
  } else {
    // Deletes had begun, so the outputs were verified against every input before. They must all be
    // there and hold each remaining input's ids; then the deletes can finish.
    const missing = manifest.outputs.filter((o) => !present.has(o.key));
    if (missing.length > 0) {
      throw new CompactionVerificationError(
        `${name}: inputs were deleted but output ${missing[0]?.key} is missing; restore from the manifest ${key} by hand`,
      );
    }
    const check = await readOutputs(store, manifest.outputs);
    if (check.rows !== check.ids.size) {
      throw new CompactionVerificationError(`${name}: outputs hold ${check.rows - check.ids.size} duplicate ids`);
    }
    for (const input of remaining) {
      const table = await readInput(store, input);
      for (const id of eventIds(table)) {
        if (!check.ids.has(id)) {
          throw new CompactionVerificationError(`${name}: ${input} has event ${id}, which no output holds`);
        }
      }
    }
    summary = { ...base, status: "resumed", outputs: check.outputs, distinctEventIds: check.ids.size };
  }

  await store.delete(remaining);
  await store.delete([key]);
  logger.info("compaction: done", { ...summary });
  return summary;
}

function parseManifest(key: string, bytes: Uint8Array): CompactionManifest {
  let manifest: CompactionManifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes)) as CompactionManifest;
  } catch (error) {
    throw new CompactionVerificationError(`${key} is not JSON: ${errorMessage(error)}`);
  }
  if (manifest?.v !== MANIFEST_VERSION || !Array.isArray(manifest.inputs) || !Array.isArray(manifest.outputs)) {
    throw new CompactionVerificationError(`${key} is not a compaction manifest of version ${MANIFEST_VERSION}`);
  }
  return manifest;
}

async function readInput(store: LakeStore, key: string): Promise<Table> {
  const bytes = await store.get(key);
  if (!bytes) throw new CompactionVerificationError(`${key} disappeared while compacting`);
  let table: Table;
  try {
    table = decodeParquet(bytes);
  } catch (error) {
    throw new CompactionInputError(key, `not a readable Parquet file: ${errorMessage(error)}`);
  }
  // Files written by a newer contract may have columns this version would drop: refuse instead.
  const unknown = table.schema.fields.map((f) => f.name).filter((n) => !KNOWN_COLUMNS.has(n));
  if (unknown.length > 0) {
    throw new CompactionInputError(
      key,
      `has columns this sink does not know (${unknown.join(", ")}); upgrade it first`,
    );
  }
  return table;
}

function* eventIds(table: Table): Iterable<string> {
  const column = table.getChild("event_id");
  if (!column) return;
  for (const id of column) yield String(id);
}

/** Where the winning copy of an event id is: an input (by manifest order) and a row in it. */
interface Winner {
  readonly receivedAt: number;
  readonly input: number;
  readonly row: number;
}

const rowAt = (table: Table, index: number) => table.get(index)?.toJSON() as unknown as StorageRow;

/**
 * Pass 1: the winning copy of every event id of the hour, by the contract's rule. Most copies differ
 * in received_at and are settled by it; copies received in the same millisecond (a redelivered
 * record, two tabs) are compared column by column, which needs the earlier winner's row again: the
 * last few inputs stay decoded, since overlapping retries sit next to each other in read order.
 */
async function chooseWinners(store: LakeStore, inputs: readonly string[]) {
  const winners = new Map<string, Winner>();
  const recent = new Map<number, Table>();
  const tableOf = async (input: number): Promise<Table> => {
    let table = recent.get(input);
    if (table === undefined) {
      table = await readInput(store, inputs[input] as string);
      recent.set(input, table);
      if (recent.size > RECENT_TABLES) recent.delete(recent.keys().next().value as number);
    }
    return table;
  };
  let rowsRead = 0;
  for (let input = 0; input < inputs.length; input++) {
    const table = await tableOf(input);
    rowsRead += table.numRows;
    const ids = table.getChild("event_id");
    const received = table.getChild("received_at");
    if (!ids || !received) throw new CompactionInputError(inputs[input] as string, "has no event_id or received_at");
    for (let row = 0; row < table.numRows; row++) {
      const id = String(ids.get(row));
      const receivedAt = Number(received.get(row));
      const best = winners.get(id);
      if (best !== undefined) {
        if (receivedAt > best.receivedAt) continue;
        if (receivedAt === best.receivedAt) {
          const bestRow = rowAt(await tableOf(best.input), best.row);
          if (compareCopies(eventsDedupRule, rowAt(table, row), bestRow) >= 0) continue;
        }
      }
      winners.set(id, { receivedAt, input, row });
    }
  }
  return { winners, rowsRead };
}

/** Decoded inputs kept for comparing same-millisecond copies. */
const RECENT_TABLES = 4;

/**
 * Writes every output, each a stream of row batches (at most BATCH_ROWS rows in memory; the writer
 * gathers them into row groups of `rowGroupRows`, holding only a row group's compressed pages), keeping
 * the winning copy of each event id. Returns the distinct ids and the rows read.
 */
async function writeOutputs(store: LakeStore, manifest: CompactionManifest, rowGroupRows: number, logger: Logger) {
  const inputs = manifest.inputs.map((i) => i.key);
  const { winners, rowsRead } = await chooseWinners(store, inputs);
  const inputIndex = new Map(inputs.map((key, i) => [key, i]));
  for (const output of manifest.outputs) {
    const groups = rowGroups(store, output, rowGroupRows, winners, inputIndex);
    const bytes = await encodeStream(groups, rowGroupRows, output);
    await store.put(output.key, bytes, PARQUET_CONTENT_TYPE);
    logger.info("compaction: wrote", { key: output.key, bytes: bytes.byteLength });
  }
  return { ids: new Set(winners.keys()), rowsRead };
}

/** Rows handed to the Parquet writer at a time: ~30 MB of slots and their strings. */
const BATCH_ROWS = 65_536;

/** Pass 2: an output's inputs, keeping the rows that won. */
async function* rowGroups(
  store: LakeStore,
  output: CompactionOutput,
  rowGroupRows: number,
  winners: ReadonlyMap<string, Winner>,
  inputIndex: ReadonlyMap<string, number>,
): AsyncGenerator<StorageRowBatch> {
  const batchRows = Math.min(rowGroupRows, BATCH_ROWS);
  let batch = new StorageRowBatch(batchRows);
  let yielded = false;
  for (const key of output.inputs) {
    const input = inputIndex.get(key);
    const table = await readInput(store, key);
    let row = 0;
    for (const values of table) {
      const winner = winners.get(String(values?.event_id));
      if (winner !== undefined && winner.input === input && winner.row === row)
        batch.appendRow(values?.toJSON() as unknown as StorageRow);
      row++;
      if (batch.length >= batchRows) {
        yield batch;
        yielded = true;
        batch = new StorageRowBatch(batchRows);
      }
    }
  }
  // An output whose rows all won elsewhere still gets a (valid, empty) file: the manifest names it.
  if (batch.length > 0 || !yielded) yield batch;
}

/** Row groups → one Parquet file (compacted layout) through parquet-wasm's streaming writer. */
async function encodeStream(
  groups: AsyncGenerator<StorageRowBatch>,
  rowGroupRows: number,
  output: CompactionOutput,
): Promise<Uint8Array> {
  const input = new ReadableStream({
    async pull(controller) {
      const next = await groups.next();
      if (next.done) {
        controller.close();
        return;
      }
      const ipc = tableToIPC(storageBatchToArrowTable(next.value), "stream");
      for (const recordBatch of parquet.Table.fromIPCStream(ipc).recordBatches()) controller.enqueue(recordBatch);
    },
  });
  const properties = storageWriterProperties({
    layout: "compacted",
    maxRowGroupSize: rowGroupRows,
    // Provenance: which objects the file was merged from.
    metadata: new Map([
      ["shop.compacted_from", JSON.stringify(output.inputs.map((k) => k.slice(k.lastIndexOf("/") + 1)))],
    ]),
  });
  const chunks: Uint8Array[] = [];
  const stream = (await parquet.transformParquetStream(input, properties)) as ReadableStream<Uint8Array>;
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Reads the outputs back from the store: rows, distinct ids, sizes. */
async function readOutputs(store: LakeStore, outputs: readonly CompactionOutput[]) {
  const ids = new Set<string>();
  let rows = 0;
  const summary: Array<{ key: string; rows: number; bytes: number }> = [];
  for (const { key } of outputs) {
    const bytes = await store.get(key);
    if (!bytes) throw new CompactionVerificationError(`${key} was written but cannot be read back`);
    const table = decodeParquet(bytes);
    rows += table.numRows;
    for (const id of eventIds(table)) ids.add(id);
    summary.push({ key, rows: table.numRows, bytes: bytes.byteLength });
  }
  return { ids, rows, outputs: summary };
}

function isSubset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}
