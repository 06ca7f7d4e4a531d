/**
 * Encode benchmark: events per CPU-second from a Lambda Kafka (MSK) event to Parquet bytes — base64,
 * decode, map to the storage row, partition, columns, ZSTD Parquet — with no S3 in the loop. Printed
 * next to baselines measured in the same run on the same events:
 * - JSON.parse of every record text alone (a floor under any JSON.parse-based decoder);
 * - the reference path (fastPath off: TextDecoder → JSON.parse → contract check → toStorageRow).
 * Figures are per CPU-second of the measuring process (process.cpuUsage), so per core even when the
 * machine is busy; wall-clock rates are printed too. Other work on the machine still slows a process
 * (caches, scheduling), so each figure is the median pass and the best pass, baselines alike.
 *
 * Each path runs in its own child process: in one process the reference path's garbage (millions of
 * parsed objects) keeps V8's collector threads busy during the fast path's passes, and their CPU time
 * counts against it. The events stay few (two Lambda-sized batches, passed over many times): a Lambda
 * holds one batch, and hundreds of MB of test data would make the collector the bottleneck.
 *
 * This machine's speed drifts: the same process runs 30–45% slower for seconds at a time, native code
 * (zstd, base64) included. So the paths take turns — `--turns` processes each, interleaved — and
 * every figure pools the passes of all of a path's processes.
 *
 *   pnpm --filter @shop/s3-sink bench:encode [-- --events 20000 --batch 10000 --rounds 10 --turns 3]
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { PlanWorkspace } from "../src/columnar/storage-row-batch.js";
import { planBatch } from "../src/core/batch-plan.js";
import { createRecordDecoder } from "../src/core/decode.js";
import type { MskEvent } from "../src/core/msk-event.js";
import { createRecordScanner } from "../src/core/record-scanner.js";
import { encodeSinkFile } from "../src/parquet/sink-file.js";
import { cpuMs, generateEvents, median, mskBatches } from "./events.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "20000" },
    batch: { type: "string", default: "10000" },
    rounds: { type: "string", default: "10" },
    turns: { type: "string", default: "3" },
    phase: { type: "string" },
  },
});
const eventCount = Number(values.events);
const batchSize = Number(values.batch);
const rounds = Number(values.rounds);
const TARGET_EVENTS_PER_CPU_SECOND = 100_000;
type Phase = "fast" | "reference" | "json-parse";

interface Pass {
  cpuMs: number;
  wallMs: number;
  planCpuMs: number;
  parquetBytes: number;
  objects: number;
}

/** What the handler makes once at cold start and keeps: the decoder, the scanner, the workspace. */
interface SinkState {
  readonly decode: ReturnType<typeof createRecordDecoder>;
  readonly scanner: ReturnType<typeof createRecordScanner> | undefined;
  readonly workspace: PlanWorkspace;
}

const sinkState = (fastPath: boolean): SinkState => ({
  decode: createRecordDecoder(),
  scanner: fastPath ? createRecordScanner() : undefined,
  workspace: new PlanWorkspace(),
});

/** One pass over every batch: what the handler does before its S3 PUTs. */
function encodeAll(events: readonly MskEvent[], { decode, scanner, workspace }: SinkState): Pass {
  const partitioning = { lateEventBoundMs: 7 * 86_400_000, futureEventBoundMs: 15 * 60_000 };
  const pass: Pass = { cpuMs: 0, wallMs: 0, planCpuMs: 0, parquetBytes: 0, objects: 0 };
  let rows = 0;
  const wall = performance.now();
  const cpu = cpuMs();
  for (const event of events) {
    const planStart = cpuMs();
    const plans = planBatch(event, {
      decode,
      ...(scanner ? { scanner } : {}),
      prefix: "bench",
      partitioning,
      workspace,
    });
    pass.planCpuMs += cpuMs() - planStart;
    for (const plan of plans) {
      for (const object of plan.objects) {
        if (object.kind !== "data")
          throw new Error(`unexpected dead letters: ${object.deadLetters[0]?.reason.message}`);
        pass.parquetBytes += encodeSinkFile(object.rows).byteLength;
        pass.objects += 1;
        rows += object.rows.length;
      }
    }
  }
  pass.cpuMs = cpuMs() - cpu;
  pass.wallMs = performance.now() - wall;
  const expected = events.reduce((n, e) => n + Object.values(e.records).reduce((m, list) => m + list.length, 0), 0);
  if (rows !== expected) throw new Error(`encoded ${rows} of ${expected} events`);
  return pass;
}

/** Runs one path in this process: warm-up passes (JIT, wasm), then `rounds` measured passes. */
function measure(phase: Phase): Pass[] {
  const texts = generateEvents(eventCount);
  if (phase === "json-parse") {
    const pass = (): Pass => {
      const wall = performance.now();
      const cpu = cpuMs();
      for (const text of texts) JSON.parse(text);
      return { cpuMs: cpuMs() - cpu, wallMs: performance.now() - wall, planCpuMs: 0, parquetBytes: 0, objects: 0 };
    };
    for (let i = 0; i < 3; i++) pass();
    return Array.from({ length: rounds }, pass);
  }
  const batches = mskBatches(texts, batchSize);
  const state = sinkState(phase === "fast");
  for (let i = 0; i < 2; i++) encodeAll(batches, state);
  return Array.from({ length: rounds }, () => encodeAll(batches, state));
}

if (values.phase) {
  process.stdout.write(`${JSON.stringify(measure(values.phase as Phase))}\n`);
} else {
  const run = (phase: Phase): Pass[] => {
    const args = [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2), "--phase", phase];
    const out = execFileSync(process.execPath, args, { encoding: "utf8", maxBuffer: 16 << 20 });
    return JSON.parse(out.trim().split("\n").at(-1) ?? "[]") as Pass[];
  };
  const parse: Pass[] = [];
  const fast: Pass[] = [];
  const reference: Pass[] = [];
  for (let turn = 0; turn < Number(values.turns); turn++) {
    parse.push(...run("json-parse"));
    fast.push(...run("fast"));
    reference.push(...run("reference"));
  }
  const jsonBytes = generateEvents(eventCount).reduce((n, s) => n + Buffer.byteLength(s), 0);

  const perCpuSecond = (ms: number) => Math.round(eventCount / (ms / 1000));
  const figure = (passes: readonly Pass[]) => ({
    median: perCpuSecond(median(passes.map((p) => p.cpuMs))),
    best: perCpuSecond(Math.min(...passes.map((p) => p.cpuMs))),
  });
  const encode = figure(fast);
  const perEvent = (ms: number) => +((ms * 1000) / eventCount).toFixed(2);
  const last = fast[fast.length - 1] as Pass;
  const result = {
    events: eventCount,
    batchSize,
    rounds,
    turns: Number(values.turns),
    loadAverage1m: +(os.loadavg()[0] ?? 0).toFixed(2),
    cpus: os.cpus().length,
    encodeEventsPerCpuSecond: encode,
    targetEventsPerCpuSecond: TARGET_EVENTS_PER_CPU_SECOND,
    meetsTarget: {
      median: encode.median >= TARGET_EVENTS_PER_CPU_SECOND,
      best: encode.best >= TARGET_EVENTS_PER_CPU_SECOND,
    },
    baselineJsonParseEventsPerCpuSecond: figure(parse),
    baselineReferencePathEventsPerCpuSecond: figure(reference),
    encodeEventsPerWallSecond: Math.round(eventCount / (median(fast.map((p) => p.wallMs)) / 1000)),
    cpuMicrosecondsPerEventMedian: {
      decodeToColumns: perEvent(median(fast.map((p) => p.planCpuMs))),
      parquetWrite: perEvent(median(fast.map((p) => p.cpuMs - p.planCpuMs))),
    },
    objects: last.objects,
    jsonBytesPerEvent: +(jsonBytes / eventCount).toFixed(1),
    parquetBytesPerEvent: +(last.parquetBytes / eventCount).toFixed(1),
    parquetToJsonRatio: `1/${(jsonBytes / last.parquetBytes).toFixed(1)}`,
  };
  console.log(JSON.stringify(result, null, 2));
}
