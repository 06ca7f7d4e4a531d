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
 * `--baseline <checkout>` adds the sink of an earlier version as one more path, interleaved with the
 * rest and fed the same events: "before and after" in one run. bench/baseline.sh <git-ref> prepares
 * such a checkout (a git worktree with its packages installed) and prints its path.
 *
 *   pnpm --filter @shop/s3-sink bench:encode [--events 20000 --batch 10000 --rounds 10 --turns 3]
 *     [--baseline "$(bash packages/s3-sink/bench/baseline.sh <git-ref>)"]
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import * as batchModule from "../src/columnar/storage-row-batch.js";
import * as planModule from "../src/core/batch-plan.js";
import * as decodeModule from "../src/core/decode.js";
import type { MskEvent } from "../src/core/msk-event.js";
import * as scannerModule from "../src/core/record-scanner.js";
import * as sinkFileModule from "../src/parquet/sink-file.js";
import { cpuMs, generateEvents, median, mskBatches } from "./events.js";

// pnpm passes a literal "--" through to the script.
const args = process.argv.slice(2).filter((a) => a !== "--");
const { values } = parseArgs({
  args,
  options: {
    events: { type: "string", default: "20000" },
    batch: { type: "string", default: "10000" },
    rounds: { type: "string", default: "10" },
    turns: { type: "string", default: "3" },
    baseline: { type: "string" },
    phase: { type: "string" },
  },
});
const eventCount = Number(values.events);
const batchSize = Number(values.batch);
const rounds = Number(values.rounds);
const TARGET_EVENTS_PER_CPU_SECOND = 100_000;
type Phase = "fast" | "reference" | "json-parse" | "baseline" | "alternating";

interface Pass {
  cpuMs: number;
  wallMs: number;
  planCpuMs: number;
  parquetBytes: number;
  objects: number;
}

/** The sink's modules a pass uses: this checkout's, or an earlier version's (--baseline). */
interface Sink {
  readonly PlanWorkspace: typeof batchModule.PlanWorkspace;
  readonly planBatch: typeof planModule.planBatch;
  readonly createRecordDecoder: typeof decodeModule.createRecordDecoder;
  readonly createRecordScanner: typeof scannerModule.createRecordScanner;
  readonly encodeSinkFile: typeof sinkFileModule.encodeSinkFile;
}

const thisSink: Sink = { ...batchModule, ...planModule, ...decodeModule, ...scannerModule, ...sinkFileModule };

/** The same modules from another checkout of the repo (its own dependencies, its own contract). */
async function sinkAt(checkout: string): Promise<Sink> {
  const load = (file: string) => import(pathToFileURL(join(resolve(checkout), "packages/s3-sink/src", file)).href);
  const [batch, plan, decode, scanner, sinkFile] = await Promise.all(
    [
      "columnar/storage-row-batch.ts",
      "core/batch-plan.ts",
      "core/decode.ts",
      "core/record-scanner.ts",
      "parquet/sink-file.ts",
    ].map(load),
  );
  return { ...batch, ...plan, ...decode, ...scanner, ...sinkFile } as Sink;
}

/** What the handler makes once at cold start and keeps: the decoder, the scanner, the workspace. */
interface SinkState {
  readonly sink: Sink;
  readonly decode: ReturnType<Sink["createRecordDecoder"]>;
  readonly scanner: ReturnType<Sink["createRecordScanner"]> | undefined;
  readonly workspace: InstanceType<Sink["PlanWorkspace"]>;
}

const sinkState = (sink: Sink, fastPath: boolean): SinkState => ({
  sink,
  decode: sink.createRecordDecoder(),
  scanner: fastPath ? sink.createRecordScanner() : undefined,
  workspace: new sink.PlanWorkspace(),
});

/** One pass over every batch: what the handler does before its S3 PUTs. */
function encodeAll(events: readonly MskEvent[], { sink, decode, scanner, workspace }: SinkState): Pass {
  const { planBatch, encodeSinkFile } = sink;
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
async function measure(phase: Phase): Promise<Pass[]> {
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
  if (phase === "alternating") {
    // This checkout's sink and the baseline's in one process, pass for pass: [this, baseline, this, …].
    const states = [sinkState(thisSink, true), sinkState(await sinkAt(values.baseline ?? ""), true)];
    for (let i = 0; i < 2; i++) for (const state of states) encodeAll(batches, state);
    return Array.from({ length: rounds * 2 }, (_, i) => encodeAll(batches, states[i % 2] as SinkState));
  }
  const sink = phase === "baseline" ? await sinkAt(values.baseline ?? "") : thisSink;
  const state = sinkState(sink, phase !== "reference");
  for (let i = 0; i < 2; i++) encodeAll(batches, state);
  return Array.from({ length: rounds }, () => encodeAll(batches, state));
}

if (values.phase) {
  process.stdout.write(`${JSON.stringify(await measure(values.phase as Phase))}\n`);
} else {
  const run = (phase: Phase): Pass[] => {
    const childArgs = [...process.execArgv, fileURLToPath(import.meta.url), ...args, "--phase", phase];
    const out = execFileSync(process.execPath, childArgs, { encoding: "utf8", maxBuffer: 16 << 20 });
    return JSON.parse(out.trim().split("\n").at(-1) ?? "[]") as Pass[];
  };
  const parse: Pass[] = [];
  const fast: Pass[] = [];
  const reference: Pass[] = [];
  const baseline: Pass[] = [];
  /** Per pair of neighbouring passes in one process: this sink's CPU time over the baseline's. */
  const pairRatios: number[] = [];
  for (let turn = 0; turn < Number(values.turns); turn++) {
    parse.push(...run("json-parse"));
    fast.push(...run("fast"));
    if (values.baseline) {
      baseline.push(...run("baseline"));
      const alternating = run("alternating");
      for (let i = 0; i + 1 < alternating.length; i += 2)
        pairRatios.push((alternating[i] as Pass).cpuMs / (alternating[i + 1] as Pass).cpuMs);
    }
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
    ...(values.baseline
      ? {
          baselineCheckout: values.baseline,
          baselineEncodeEventsPerCpuSecond: figure(baseline),
          changeVsBaseline: {
            median: `${((encode.median / figure(baseline).median - 1) * 100).toFixed(1)}%`,
            best: `${((encode.best / figure(baseline).best - 1) * 100).toFixed(1)}%`,
            // The steadier figure: both sinks in one process, alternating passes, so a slow spell of
            // the machine slows both sides of a pair.
            sameProcessAlternatingMedian: `${((1 / median(pairRatios) - 1) * 100).toFixed(1)}%`,
          },
        }
      : {}),
    baselineJsonParseEventsPerCpuSecond: figure(parse),
    baselineReferencePathEventsPerCpuSecond: figure(reference),
    encodeEventsPerWallSecond: Math.round(eventCount / (median(fast.map((p) => p.wallMs)) / 1000)),
    cpuMicrosecondsPerEventMedian: {
      decodeToColumns: perEvent(median(fast.map((p) => p.planCpuMs))),
      parquetWrite: perEvent(median(fast.map((p) => p.cpuMs - p.planCpuMs))),
      ...(values.baseline
        ? {
            baselineDecodeToColumns: perEvent(median(baseline.map((p) => p.planCpuMs))),
            baselineParquetWrite: perEvent(median(baseline.map((p) => p.cpuMs - p.planCpuMs))),
          }
        : {}),
    },
    objects: last.objects,
    jsonBytesPerEvent: +(jsonBytes / eventCount).toFixed(1),
    parquetBytesPerEvent: +(last.parquetBytes / eventCount).toFixed(1),
    parquetToJsonRatio: `1/${(jsonBytes / last.parquetBytes).toFixed(1)}`,
  };
  console.log(JSON.stringify(result, null, 2));
}
