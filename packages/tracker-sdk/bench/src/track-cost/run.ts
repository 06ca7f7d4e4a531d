import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { sharedBuildOptions } from "../lib/bundle.js";
import { benchDir, outDir, packageVersion } from "../lib/paths.js";
import { bytes, fixed, formatTable } from "../lib/table.js";
import type { CostResult } from "./adapter.js";
import { chromiumPath, runInChromium } from "./browser/run-chromium.js";
import type { MemoryFloor, MemoryRow } from "./memory.js";
import { type MemoryCase, memoryCases } from "./memory-cases.js";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const tsx = ["--expose-gc", "--import", "tsx"];

interface CostCase {
  adapter: string;
  label: string;
  pkg?: string;
}

const costCases: CostCase[] = [
  { adapter: "noop", label: "empty track() (timer floor)" },
  { adapter: "shop", label: "@shop/tracker (ours)", pkg: "@shop/tracker" },
  { adapter: "posthog", label: "posthog-js", pkg: "posthog-js" },
  { adapter: "amplitude", label: "@amplitude/analytics-browser", pkg: "@amplitude/analytics-browser" },
  { adapter: "snowplow", label: "@snowplow/browser-tracker", pkg: "@snowplow/browser-tracker" },
  { adapter: "segment", label: "@segment/analytics-next", pkg: "@segment/analytics-next" },
  { adapter: "rudderstack", label: "@rudderstack/analytics-js/bundled", pkg: "@rudderstack/analytics-js" },
];

const loop = { iterations: 20_000, warmup: 3_000, maxMs: 3_000 };

type Environment = "chromium" | "happy-dom" | "node";

/**
 * Where the browser SDKs run: Debian's Chromium when it is installed, else a happy-dom window in
 * Node. BENCH_BROWSER=happy-dom|chromium|both overrides. Ours also runs in plain Node (its Node entry).
 */
function environments(): Environment[] {
  const wanted = process.env.BENCH_BROWSER;
  if (wanted === "both") return ["chromium", "happy-dom"];
  if (wanted === "happy-dom" || !chromiumPath()) return ["happy-dom"];
  return ["chromium"];
}

/** Each adapter bundled as a page would ship it: browser conditions and minified (Node entry for the no-DOM row). */
async function bundleAdapter(adapter: string, platform: "browser" | "node"): Promise<string> {
  const outfile = join(outDir, "cost", `${adapter}.${platform}.mjs`);
  await build({
    ...sharedBuildOptions,
    absWorkingDir: benchDir,
    entryPoints: [join(here, "adapters", `${adapter}.ts`)],
    platform,
    // The Node row measures the Node entry, whatever build the browser rows are pointed at.
    ...(platform === "node" ? { alias: {} } : {}),
    minify: true,
    outfile,
  });
  return outfile;
}

async function child(args: string[], timeoutMs: number): Promise<string> {
  const { stdout } = await run(process.execPath, [...tsx, ...args], {
    cwd: benchDir,
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.trim().split("\n").at(-1);
  if (!line) throw new Error("no result line");
  return line;
}

export interface CostRow extends CostCase {
  environment: Environment;
  version: string;
  result?: CostResult;
  error?: string;
}

async function inNode(costCase: CostCase, environment: "happy-dom" | "node"): Promise<CostRow> {
  const version = costCase.pkg ? packageVersion(costCase.pkg) : "";
  try {
    const bundle = await bundleAdapter(costCase.adapter, environment === "node" ? "node" : "browser");
    const args = [join(here, "node-harness.ts"), "--bundle", bundle, ...(environment === "happy-dom" ? ["--dom"] : [])];
    args.push("--iterations", String(loop.iterations), "--warmup", String(loop.warmup));
    args.push("--max-seconds", String(loop.maxMs / 1000));
    const result = JSON.parse(await child(args, 60_000)) as CostResult;
    return { ...costCase, environment, version, result };
  } catch (error) {
    return { ...costCase, environment, version, error: firstLine(error) };
  }
}

const firstLine = (error: unknown) => (error as Error).message.split("\n")[0] ?? "failed";

export interface CostRun {
  rows: CostRow[];
  notes: string[];
}

export async function measureCost(): Promise<CostRun> {
  mkdirSync(join(outDir, "cost"), { recursive: true });
  const rows: CostRow[] = [];
  const notes: string[] = [];
  for (const environment of environments()) {
    if (environment === "chromium") {
      try {
        const run = await runInChromium(
          costCases.map((costCase) => costCase.adapter),
          loop,
        );
        notes.push(`chromium: Debian's ${chromiumPath()} ${run.version}, headless, one browser context per SDK`);
        for (const costCase of costCases) {
          const version = costCase.pkg ? packageVersion(costCase.pkg) : "";
          const outcome = run.results.get(costCase.adapter);
          rows.push(
            outcome instanceof Error || !outcome
              ? { ...costCase, environment, version, error: outcome ? firstLine(outcome) : "no result" }
              : { ...costCase, environment, version, result: outcome },
          );
        }
      } catch (error) {
        notes.push(`chromium run failed: ${firstLine(error)}`);
      }
    } else {
      for (const costCase of costCases) rows.push(await inNode(costCase, environment));
    }
  }
  const ours = costCases.find((costCase) => costCase.adapter === "shop");
  if (ours) rows.push(await inNode({ ...ours, label: "@shop/tracker (ours), Node entry" }, "node"));
  return { rows, notes };
}

export interface MemoryResults {
  rows: MemoryRow[];
  floor?: MemoryFloor;
  errors: string[];
}

export async function measureMemory(): Promise<MemoryResults> {
  const results: MemoryResults = { rows: [], errors: [] };
  for (const name of memoryCases as readonly MemoryCase[]) {
    try {
      const value = JSON.parse(await child([join(here, "memory.ts"), name], 90_000)) as MemoryRow | MemoryFloor | null;
      if (value && "bytesPerQueuedEvent" in value) results.rows.push(value);
      else if (value) results.floor = value;
    } catch (error) {
      results.errors.push(`${name}: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  return results;
}

export function printCost({ rows, notes }: CostRun): void {
  console.log("\n## track() cost on the main thread\n");
  console.log(
    `Node ${process.version}, ${cpus().length} cores, load average ${loadavg()
      .map((n) => n.toFixed(1))
      .join(" ")} (other work on the machine shows up in p99)`,
  );
  for (const note of notes) console.log(note);
  console.log(
    `Warm-up, then up to ${bytes(loop.iterations)} timed calls (${loop.maxMs / 1000} s cap) in chunks of 50 with one event-loop turn between chunks.\n`,
  );
  const baseline = (environment: Environment) =>
    rows.find((row) => row.adapter === "shop" && row.environment === environment)?.result;
  console.log(
    formatTable(
      [
        "SDK",
        "where",
        "version",
        "calls",
        "median µs",
        "p99 µs",
        "mean µs",
        "last/first",
        "amortized µs",
        "req/1k ev",
        "mean vs ours",
      ],
      rows.map((row) => {
        const r = row.result;
        const where = row.environment === "node" ? "Node, no DOM" : row.environment;
        if (!r) return [row.label, where, row.version, "n/a", "", "", "", "", "", "", row.error ?? ""];
        const ours = baseline(row.environment);
        return [
          row.label,
          where,
          row.version,
          bytes(r.iterations),
          fixed(r.medianUs, 1),
          fixed(r.p99Us, 1),
          fixed(r.meanUs, 1),
          `${fixed(r.growth, 1)}×`,
          fixed(r.amortizedUs, 1),
          fixed((r.requests / r.iterations) * 1000, 1),
          ours && row.adapter !== "noop" ? `${(r.meanUs / ours.meanUs).toFixed(1)}×` : "",
        ];
      }),
    ),
  );
  console.log(`
median/p99/mean: time inside the track() call. Chromium's clock moves in 5 µs steps with jitter even when
cross-origin isolated, so there median and p99 are multiples of ~5 µs and the mean is the figure to compare.
last/first: mean of the last tenth of the calls over the first tenth; above 1 when each call costs more as
the SDK's unsent queue grows during the burst (time-based flushing plus a queue rewritten to storage).
amortized: wall time of the timed phase / calls, adding the work the SDK defers to promises and tasks (Segment's
track() is async; ours flushes every flushAt events). req/1k ev: requests per 1,000 events once timers flushed.
Network: fetch, XMLHttpRequest and sendBeacon answer 200 at once without I/O, the same for every SDK. Batching
and storage keep their defaults; features that are not the track() path (autocapture, replay, surveys, flags,
remote config, script loading, PostHog's 10 events/s client rate limit) are off where the SDK has a switch.
RudderStack runs its '/bundled' build: the default one downloads its plugins from a CDN this machine cannot reach.
happy-dom is not a browser: its DOM, cookie and storage calls cost differently from Chromium's.`);
  for (const row of rows) {
    for (const log of row.result?.logs ?? []) console.log(`  ${row.label} (${row.environment}) said: ${log}`);
  }
}

export function printMemory(memory: MemoryResults): void {
  console.log("\n## Memory: events queued while offline (ours, Node entry)\n");
  const floor = memory.floor;
  const rows = memory.rows.map((row) => [
    `@shop/tracker, transport ${row.transport}`,
    row.caps,
    bytes(row.tracked),
    bytes(row.queued),
    bytes(Math.round(row.heapBytes)),
    fixed(row.bytesPerQueuedEvent, 0),
    fixed((row.seconds * 1e6) / row.tracked, 1),
  ]);
  if (floor) {
    rows.push([
      "floor: same events as plain objects",
      "",
      bytes(floor.events),
      bytes(floor.events),
      bytes(Math.round(floor.heapBytes)),
      fixed(floor.bytesPerEvent, 0),
      "",
    ]);
  }
  console.log(
    formatTable(["queue", "queue caps", "tracked", "queued", "heap growth B", "B/queued event", "µs/track()"], rows),
  );
  console.log(`
heap growth: heapUsed after two full GCs (node --expose-gc), minus the same before the tracker was created; one
process per row. 'never resolves': every send hangs, so the queue only grows; 'status 0': every send fails at once
and is retried with backoff. Caps raised with maxQueueEvents/maxQueueBytes so all events stay; with the default
caps the oldest are evicted (counted as dropped).${floor ? ` One event is ${floor.jsonBytesPerEvent} B of JSON on the wire.` : ""}`);
  for (const row of memory.rows) {
    if (row.caps !== "defaults" && row.queued < row.tracked) {
      console.log(
        `note: raising the caps had no effect (${bytes(row.queued)} of ${bytes(row.tracked)} queued): option names changed?`,
      );
    }
  }
  for (const error of memory.errors) console.log(`memory case failed: ${error}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  printCost(await measureCost());
  printMemory(await measureMemory());
}
