import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/config.js";
import { makeBodies } from "./bodies.js";
import { type LoadResult, runLoad, runOpenLoad } from "./load.js";
import { cpuSecondsOf, peakRssOf, processTree, topicLogBytes } from "./proc.js";
import { benchTopics } from "./topics.js";

/**
 * Scaling, overload and broker cost: the built collector (dist/server.js, as production runs it) at
 * batch 20 under 32, 128 and 256 closed-loop connections and at fixed offered rates (open loop: requests
 * start on schedule whether or not earlier ones were answered, as independent shoppers send them), in
 * one process and in all-cores mode
 * (COLLECTOR_WORKERS=auto), with each producer profile, against the real broker. For each: events/s,
 * p50/p99, collector CPU (primary and workers) and broker process CPU per 100k events, peak RSS.
 * Every combination runs once per round and the rounds are interleaved (this machine's speed drifts);
 * shown is the round with the most events/s (closed loop) or the lowest p99 (open loop), and, against
 * `before`, the median of each round's own ratio (a profile and `before` measured minutes apart in the
 * same round share the machine's drift, which best-of-rounds across rounds does not). Knobs (environment):
 *   BENCH_CONNECTIONS (32,128,256), BENCH_RATES (open-loop events/s: 20000,40000); either may be "",
 *   BENCH_OPEN_CONNECTIONS (512: the open-loop generator's connection cap), BENCH_MODES (single,all-cores), BENCH_ROUNDS (2),
 *   BENCH_SECONDS (6), BENCH_WARMUP_SECONDS (2), BENCH_BATCH (20), BENCH_SHOPPERS_PER_BATCH (the batch size:
 *   every event another shopper's; 1 is a browser's batch), BENCH_IDLE_SECONDS (4: the broker's idle
 *   CPU is sampled that long before each run, and subtracted for the "above idle" figure),
 *   BENCH_PROFILES: comma-separated `name` or `name:VAR=value;VAR=value` (collector settings); built in:
 *     `before` (the settings before #13: gzip, linger 5 ms, no concurrency gate) and `default` (today's defaults),
 *   BENCH_NODES: comma-separated `name=path` Node binaries to run the collector with (default: this one).
 * `pnpm --filter @shop/collector run bench:scale` (after a build, with the stack up).
 */
const env = (name: string, fallback: string) => process.env[name]?.trim() || fallback;
const split = (raw: string) =>
  raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const list = (name: string, fallback: string) => split(env(name, fallback));
const seconds = Number(env("BENCH_SECONDS", "6"));
const warmupSeconds = Number(env("BENCH_WARMUP_SECONDS", "2"));
const rounds = Number(env("BENCH_ROUNDS", "2"));
const batch = Number(env("BENCH_BATCH", "20"));
const shoppersPerBatch = Number(env("BENCH_SHOPPERS_PER_BATCH", String(batch)));
const idleSeconds = Number(env("BENCH_IDLE_SECONDS", "4"));
/** A list that may be set empty on purpose (BENCH_CONNECTIONS="" runs open loop only). */
const optionalList = (name: string, fallback: string) => split(process.env[name] ?? fallback).map(Number);
const connectionCounts = optionalList("BENCH_CONNECTIONS", "32,128,256");
const offeredRates = optionalList("BENCH_RATES", "20000,40000");
const openConnections = Number(env("BENCH_OPEN_CONNECTIONS", "512"));
const modes = list("BENCH_MODES", "single,all-cores") as Array<"single" | "all-cores">;

const builtInProfiles: Record<string, Record<string, string>> = {
  // The settings before #13, client included: the default client changed since.
  before: {
    COLLECTOR_KAFKA_CLIENT: "librdkafka",
    COLLECTOR_KAFKA_COMPRESSION: "gzip",
    COLLECTOR_KAFKA_LINGER_MS: "5",
    COLLECTOR_MAX_IN_PROGRESS: "0",
  },
  default: {},
};
const profiles = list("BENCH_PROFILES", "before,default").map((spec) => {
  const [name = spec, settings] = spec.split(":");
  if (!settings) {
    const builtIn = builtInProfiles[name];
    if (!builtIn) throw new Error(`unknown profile ${name}: give its settings as ${name}:VAR=value;VAR=value`);
    return { name, settings: builtIn };
  }
  return { name, settings: Object.fromEntries(settings.split(";").map((kv) => kv.split("=") as [string, string])) };
});
/** The settings before #13, if measured: the other profiles' broker cost is shown against it. */
const beforeProfile = profiles.find((p) => p.name === "before");
const nodes = list("BENCH_NODES", `current=${process.execPath}`).map((spec) => {
  const [name = spec, path = spec] = spec.split("=");
  return { name, path };
});

const config = loadConfig({ ...process.env, COLLECTOR_ALLOW_NO_WRITE_KEYS: "true" });
const run = randomUUID().slice(0, 8);
const writeKey = `bench-${run}`;
// Set by main() once the run's topics exist.
let rawTopic = "";
let invalidTopic = "";
const entryPoint = fileURLToPath(new URL("../dist/server.js", import.meta.url));
const brokerDir = process.env.STACK_DIR
  ? `${process.env.STACK_DIR}/kafka`
  : fileURLToPath(new URL("../../../.stack/kafka", import.meta.url));
const brokerPidFile = `${brokerDir}/kafka.pid`;
const brokerLogDir = `${brokerDir}/data`;

interface Case {
  node: (typeof nodes)[number];
  mode: "single" | "all-cores";
  profile: (typeof profiles)[number];
  /** Closed loop: this many connections, each sending its next request when answered. */
  connections: number;
  /** Open loop (connections 0): requests start at this offered rate, in events per second. */
  eventsPerSecond: number;
}
interface Row extends LoadResult, Case {
  cpuPer100k: number;
  brokerCpuPer100k: number;
  /**
   * The broker's CPU per 100k events less what it spends idle over the same time (its controller,
   * log flusher and metrics run whatever the load): what the events themselves cost it. Without
   * this, a profile that moves fewer events per second looks dearer per event by the idle share.
   */
  brokerAboveIdlePer100k: number;
  peakRssMb: number;
  processes: number;
  /** Bytes the broker stored per event (the producer's compression at work). */
  storedBytesPerEvent: number;
}
/** A run and the round it belongs to. */
type RoundRow = Row & { round: number };

async function startCollector(c: Case, port: number): Promise<ChildProcess> {
  const child = spawn(c.node.path, [entryPoint], {
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      COLLECTOR_HOST: "127.0.0.1",
      COLLECTOR_PORT: String(port),
      COLLECTOR_LOG_LEVEL: "error",
      KAFKA_TOPIC_RAW: rawTopic,
      KAFKA_TOPIC_INVALID: invalidTopic,
      COLLECTOR_WRITE_KEYS: `${writeKey}=bench-source`,
      COLLECTOR_CORS_ORIGINS: "https://shop.example",
      COLLECTOR_WORKERS: c.mode === "single" ? "1" : "auto",
      ...c.profile.settings,
    },
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the collector exited (${child.exitCode})`);
    if (
      await fetch(`http://127.0.0.1:${port}/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child;
    if (Date.now() > deadline) throw new Error("the collector did not become ready");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The broker's CPU seconds per second with no client producing, sampled over `idleSeconds`. */
async function brokerIdleRate(brokerPid: number): Promise<number> {
  const started = performance.now();
  const before = cpuSecondsOf(brokerPid);
  await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
  return (cpuSecondsOf(brokerPid) - before) / ((performance.now() - started) / 1000);
}

async function measure(c: Case, port: number): Promise<Row> {
  const brokerPid = Number(readFileSync(brokerPidFile, "utf8").trim());
  const idleRate = await brokerIdleRate(brokerPid);
  const child = await startCollector(c, port);
  const { bodies } = makeBodies(batch, 200, shoppersPerBatch);
  const load = {
    url: `http://127.0.0.1:${port}`,
    bodies,
    eventsPerBody: batch,
    headers: {
      "content-type": "application/json",
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
    },
  };
  try {
    const drive = (forSeconds: number) =>
      c.eventsPerSecond
        ? runOpenLoad({
            ...load,
            eventsPerSecond: c.eventsPerSecond,
            maxConnections: openConnections,
            seconds: forSeconds,
          })
        : runLoad({ ...load, connections: c.connections, seconds: forSeconds });
    await drive(warmupSeconds);
    const tree = processTree(child.pid as number);
    const cpu = () => tree.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
    const stored = () => topicLogBytes(brokerLogDir, rawTopic);
    const [collectorBefore, brokerBefore, bytesBefore] = [cpu(), cpuSecondsOf(brokerPid), stored()];
    const result = await drive(seconds);
    const [collectorAfter, brokerAfter, bytesAfter] = [cpu(), cpuSecondsOf(brokerPid), stored()];
    const per100k = (cpuSeconds: number) => (cpuSeconds / Math.max(1, result.events)) * 100_000;
    return {
      ...result,
      ...c,
      cpuPer100k: per100k(collectorAfter - collectorBefore),
      brokerCpuPer100k: per100k(brokerAfter - brokerBefore),
      brokerAboveIdlePer100k: per100k(brokerAfter - brokerBefore - idleRate * result.seconds),
      peakRssMb: tree.reduce((sum, pid) => sum + peakRssOf(pid), 0) / 2 ** 20,
      processes: tree.length,
      storedBytesPerEvent: (bytesAfter - bytesBefore) / Math.max(1, result.events),
    };
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "–";
const rate = (row: Row) => row.events / row.seconds;
const loadName = (c: Case) => (c.eventsPerSecond ? `${fmt(c.eventsPerSecond / 1000)}k/s` : String(c.connections));
const key = (c: Case) => `${c.node.name}|${c.mode}|${c.profile.name}|${loadName(c)}`;
/** The same node, mode and load, measured with `profile`. */
const withProfile = (c: Case, profile: Case["profile"]) => key({ ...c, profile });

async function main() {
  if (!existsSync(entryPoint)) throw new Error(`${entryPoint} is missing: build the package first`);
  const topics = await benchTopics(config.kafkaBrokers, `bench-scale-${run}`);
  ({ rawTopic, invalidTopic } = topics);
  const { freePort } = await import("../test/support/free-port.js");
  console.log(
    `collector scale bench: batch ${batch} (${shoppersPerBatch} shoppers each); ${connectionCounts.join("/") || "no"} closed-loop connections, open loop at ${offeredRates.join("/") || "no"} events/s; modes ${modes.join(", ")}; ` +
      `profiles ${profiles.map((p) => `${p.name} ${JSON.stringify(p.settings)}`).join(", ")}; nodes ${nodes.map((n) => n.name).join(", ")}; ` +
      `${warmupSeconds}+${seconds} s per run, best of ${rounds} interleaved rounds; load average before: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );
  const allRounds: RoundRow[] = [];
  let acknowledged = 0;
  const loads = [
    ...connectionCounts.map((connections) => ({ connections, eventsPerSecond: 0 })),
    ...offeredRates.map((eventsPerSecond) => ({ connections: 0, eventsPerSecond })),
  ];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const { connections, eventsPerSecond } of loads) {
        for (const node of nodes) {
          for (const mode of modes) {
            for (const profile of profiles) {
              const c: Case = { node, mode, profile, connections, eventsPerSecond };
              const row = await measure(c, await freePort());
              acknowledged += row.events;
              allRounds.push({ ...row, round });
              const failures = row.failures ? ` (non-200: ${JSON.stringify(row.statuses)})` : "";
              console.error(
                `  round ${round} ${key(c)}: ${fmt(rate(row))} events/s, p99 ${fmt(row.p99Ms, 1)} ms, broker ${fmt(row.brokerCpuPer100k, 2)} CPU s/100k${failures}`,
              );
            }
          }
        }
      }
    }
    const stored = await topics.storedRecords();
    if (stored < acknowledged)
      throw new Error(`only ${stored} records in ${rawTopic} for ${acknowledged} acknowledged`);
    printTable(bestRounds(allRounds));
    printPairedRatios(allRounds);
    console.log(
      `\n${fmt(stored)} records in the bench topic ≥ ${fmt(acknowledged)} events acknowledged (warm-ups excluded). Load average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
  } finally {
    await topics.dispose();
  }
}

function printTable(rows: Row[]) {
  const head = [
    "node",
    "mode",
    "profile",
    "load",
    "events/s",
    "p50 ms",
    "p99 ms",
    "503/s",
    "CPU s/100k",
    "broker s/100k",
    "above idle",
    "RSS MB",
    "B/event",
  ];
  const widths = [8, 10, 10, 8, 10, 8, 8, 7, 11, 14, 11, 8, 9];
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 8) : cell.padStart(widths[i] ?? 8))).join("");
  console.log(`\n${line(head)}`);
  for (const row of rows) {
    const shed = (row.statuses["503"] ?? 0) / row.seconds;
    console.log(
      line([
        row.node.name,
        row.mode,
        row.profile.name,
        loadName(row),
        fmt(rate(row)),
        fmt(row.p50Ms, 1),
        fmt(row.p99Ms, 1),
        fmt(shed),
        fmt(row.cpuPer100k, 2),
        fmt(row.brokerCpuPer100k, 2),
        fmt(row.brokerAboveIdlePer100k, 2),
        fmt(row.peakRssMb),
        fmt(row.storedBytesPerEvent),
      ]),
    );
  }
  // The issue's targets, for each node and profile.
  for (const node of nodes) {
    for (const profile of profiles) {
      const find = (mode: string, connections: number) =>
        rows.find(
          (r) =>
            r.node.name === node.name &&
            r.mode === mode &&
            r.profile.name === profile.name &&
            r.connections === connections &&
            !r.eventsPerSecond,
        );
      const peak = (mode: string) => Math.max(...connectionCounts.map((c) => rate(find(mode, c) as Row) || 0));
      const parts: string[] = [];
      for (const mode of modes) {
        const at32 = find(mode, 32);
        if (!at32) continue;
        const held = connectionCounts
          .filter((c) => c > 32)
          .map((c) => `${c}: ${fmt(rate(find(mode, c) as Row) / rate(at32), 2)}×`);
        if (held.length > 0) parts.push(`${mode} vs its 32-connection rate ${held.join(", ")}`);
      }
      if (modes.includes("single") && modes.includes("all-cores")) {
        parts.push(`all-cores peak / single peak ${fmt(peak("all-cores") / peak("single"), 2)}×`);
      }
      if (parts.length > 0) console.log(`\n${node.name} ${profile.name}: ${parts.join("; ")}`);
    }
  }
  if (beforeProfile) {
    for (const profile of profiles.filter((p) => p !== beforeProfile)) {
      const ratiosOf = (figure: (row: Row) => number) =>
        rows
          .filter((r) => r.profile.name === profile.name)
          .map((r) => {
            const base = rows.find((b) => key(b) === withProfile(r, beforeProfile));
            return base ? figure(r) / figure(base) : Number.NaN;
          })
          .map((x) => fmt(x, 2))
          .join(", ");
      console.log(
        `broker CPU per event, ${profile.name} / before: ${ratiosOf((r) => r.brokerCpuPer100k)}; above idle: ${ratiosOf((r) => r.brokerAboveIdlePer100k)} (each row above, in order)`,
      );
    }
  }
}

/**
 * Each combination's best round: closed loop, the one that moved the most; open loop moves the same in
 * every round that kept up, so the least disturbed one is the one with the lowest p99.
 */
function bestRounds(rows: RoundRow[]): Row[] {
  const best = new Map<string, Row>();
  for (const row of rows) {
    const kept = best.get(key(row));
    const better = row.eventsPerSecond
      ? (a: Row, b: Row) => a.failures <= b.failures && a.p99Ms < b.p99Ms
      : (a: Row, b: Row) => rate(a) > rate(b);
    if (!kept || better(row, kept)) best.set(key(row), row);
  }
  return [...best.values()];
}

/**
 * Broker CPU per event against `before`, as the median (and range) of the ratios within each round:
 * the two runs of a pair are minutes apart, so they share the machine's drift.
 */
function printPairedRatios(rows: RoundRow[]) {
  if (!beforeProfile || rounds < 2) return;
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  };
  const show = (xs: number[]) => `${fmt(median(xs), 2)} (${fmt(Math.min(...xs), 2)}–${fmt(Math.max(...xs), 2)})`;
  console.log("\nbroker CPU per event / before's in the same round: median (range) over rounds");
  for (const profile of profiles.filter((p) => p !== beforeProfile)) {
    const cells = new Map<string, { total: number[]; aboveIdle: number[] }>();
    for (const row of rows.filter((r) => r.profile === profile)) {
      const base = rows.find((b) => b.round === row.round && key(b) === withProfile(row, beforeProfile));
      if (!base) continue;
      const cell = `${row.node.name} ${row.mode} ${loadName(row)}`;
      const ratios = cells.get(cell) ?? { total: [], aboveIdle: [] };
      ratios.total.push(row.brokerCpuPer100k / base.brokerCpuPer100k);
      ratios.aboveIdle.push(row.brokerAboveIdlePer100k / base.brokerAboveIdlePer100k);
      cells.set(cell, ratios);
    }
    for (const [cell, { total, aboveIdle }] of cells) {
      console.log(`  ${profile.name} ${cell}: ${show(total)}; above idle ${show(aboveIdle)}`);
    }
  }
}

await main();
