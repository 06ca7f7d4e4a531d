import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../src/config.js";
import { type KafkaClientName, kafkaClients } from "../src/publish/options.js";
import { makeBodies } from "./bodies.js";
import { type LoadResult, runLoad } from "./load.js";
import { benchTopics } from "./topics.js";

/**
 * The collector benchmark: the real collector and the floor (floor.ts), each in its own process,
 * against the real broker with acks=all, for every client and batch size. One command:
 * `pnpm --filter @shop/collector run bench`. Knobs (environment): BENCH_SECONDS (8),
 * BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (32), BENCH_CLIENTS (every client),
 * BENCH_BATCHES (1,20,100), BENCH_ROUNDS (2), BENCH_CPU_PROF=<dir> (V8 CPU profiles of the
 * servers), BENCH_FORWARDED_FOR=<ip> (sent as X-Forwarded-For, so that with
 * COLLECTOR_TRUST_PROXY=loopback the collector looks up a public client's country), and any
 * COLLECTOR_* setting, applied to both servers alike.
 *
 * BENCH_NODE=<node binary> runs both servers on that Node instead of the bench's own (the load
 * generator stays on the bench's), e.g. the machine's Node 20 against the repo's pinned Node 24. A Node
 * of another ABI cannot load this checkout's librdkafka binding: BENCH_SERVER_CHECKOUT=<dir> then takes
 * the servers' code from a checkout installed for that Node (bench/node-checkout.sh prepares one).
 *
 * The floor and the collector alternate, BENCH_ROUNDS times each, and the best round of each is
 * kept: on a machine shared with other work, the best round is the one least disturbed by it.
 */
const env = (name: string, fallback: string) => process.env[name]?.trim() || fallback;
const seconds = Number(env("BENCH_SECONDS", "6"));
const rounds = Number(env("BENCH_ROUNDS", "2"));
const warmupSeconds = Number(env("BENCH_WARMUP_SECONDS", "2"));
const connections = Number(env("BENCH_CONNECTIONS", "32"));
const clients = env("BENCH_CLIENTS", kafkaClients.join(","))
  .split(",")
  .map((c) => c.trim()) as KafkaClientName[];
const batchSizes = env("BENCH_BATCHES", "1,20,100").split(",").map(Number);
const cpuProfileDir = process.env.BENCH_CPU_PROF?.trim();
const forwardedFor = process.env.BENCH_FORWARDED_FOR?.trim();
// The bench's own settings, read as the collector reads them; the servers get the run's write key.
const benchEnv = { ...process.env, COLLECTOR_ALLOW_NO_WRITE_KEYS: "true" };
const defaultClient = loadConfig({ COLLECTOR_ALLOW_NO_WRITE_KEYS: "true" }).kafkaClient;
const TARGET = { batch: 20, eventsPerSecond: 50_000, p99Ms: 50, floorRatio: 0.5 };

const config = loadConfig(benchEnv);
const run = randomUUID().slice(0, 8);
const writeKey = `bench-${run}`;
// Set by main() once the run's topics exist.
let rawTopic = "";
let invalidTopic = "";
const serverNode = process.env.BENCH_NODE?.trim() || process.execPath;
const serverCheckout = process.env.BENCH_SERVER_CHECKOUT?.trim();
const serverPath = serverCheckout
  ? join(resolve(serverCheckout), "packages/collector/bench/server.ts")
  : fileURLToPath(new URL("./server.ts", import.meta.url));
const nodeInfo = (node: string) =>
  JSON.parse(
    execFileSync(node, ["-p", "JSON.stringify({ version: process.version, abi: process.versions.modules })"], {
      encoding: "utf8",
    }),
  ) as { version: string; abi: string };
const serverRuntime = nodeInfo(serverNode);
if (serverRuntime.abi !== process.versions.modules && !serverCheckout) {
  console.error(
    `BENCH_NODE is Node ${serverRuntime.version} (ABI ${serverRuntime.abi}); this checkout's native modules are built for ` +
      `${process.version} (ABI ${process.versions.modules}). Set BENCH_SERVER_CHECKOUT to a checkout installed for it: ` +
      `"$(bash packages/collector/bench/node-checkout.sh ${serverNode})"`,
  );
  process.exit(2);
}

interface Usage {
  cpuSeconds: number;
  maxRssBytes: number;
}

/** Starts a server child and resolves once it listens. */
function startServer(kind: "collector" | "floor", client: KafkaClientName) {
  const child: ChildProcess = fork(serverPath, [kind], {
    execPath: serverNode,
    execArgv: [
      "--import",
      "tsx",
      // One folder per server: V8 writes a profile per thread (the tsx loader has one too).
      ...(cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfileDir}/${kind}-${client}-${run}`] : []),
    ],
    env: {
      ...process.env,
      KAFKA_TOPIC_RAW: rawTopic,
      KAFKA_TOPIC_INVALID: invalidTopic,
      COLLECTOR_KAFKA_CLIENT: client,
      COLLECTOR_WRITE_KEYS: `${writeKey}=bench-source`,
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const request = <T>(type: string, answer: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: { type: string } & T) => {
        if (message.type !== answer) return;
        child.off("message", onMessage);
        resolve(message);
      };
      child.on("message", onMessage);
      child.once("exit", (code) => reject(new Error(`${kind} server exited (${code})`)));
      if (type) child.send({ type });
    });
  return {
    listening: request<{ port: number }>("", "listening"),
    usage: () => request<Usage>("usage", "usage"),
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send({ type: "stop" });
      await exited;
    },
  };
}

interface Row extends LoadResult {
  client: KafkaClientName;
  kind: "collector" | "floor";
  batch: number;
  cpuPer100k: number;
  peakRssMb: number;
}

async function measure(kind: "collector" | "floor", client: KafkaClientName, batch: number): Promise<Row> {
  const server = startServer(kind, client);
  const { port } = await server.listening;
  const { bodies } = makeBodies(batch, 200);
  const load = {
    url: `http://127.0.0.1:${port}`,
    bodies,
    eventsPerBody: batch,
    connections,
    headers: {
      "content-type": "application/json",
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString("base64")}`,
      ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
    },
  };
  try {
    await runLoad({ ...load, seconds: warmupSeconds }); // connects the producer, warms the JIT
    const before = await server.usage();
    const result = await runLoad({ ...load, seconds });
    const after = await server.usage();
    return {
      ...result,
      client,
      kind,
      batch,
      cpuPer100k: ((after.cpuSeconds - before.cpuSeconds) / Math.max(1, result.events)) * 100_000,
      peakRssMb: after.maxRssBytes / 2 ** 20,
    };
  } finally {
    await server.stop();
  }
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "–";
const pad = (text: string, width: number) => text.padStart(width);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

async function main() {
  const topics = await benchTopics(config.kafkaBrokers, `bench-collector-${run}`);
  ({ rawTopic, invalidTopic } = topics);
  const loadBefore = load();
  console.log(
    `collector bench: broker ${config.kafkaBrokers.join(",")}, acks=all, idempotent, compression ${config.kafkaCompression}, ` +
      `linger ${config.kafkaLingerMs} ms; ${connections} connections, ${warmupSeconds}+${seconds} s per run, best of ${rounds} rounds; ` +
      `default client ${defaultClient}; servers on Node ${serverRuntime.version} (${serverNode}${serverCheckout ? `, code from ${serverCheckout}` : ""}); ` +
      `load average before: ${loadBefore}`,
  );
  const rows: Row[] = [];
  try {
    let acknowledged = 0;
    for (const batch of batchSizes) {
      for (const client of clients) {
        const tries: Row[] = [];
        for (let round = 1; round <= rounds; round++) {
          for (const kind of ["floor", "collector"] as const) {
            const row = await measure(kind, client, batch);
            tries.push(row);
            acknowledged += row.events;
            const failures = row.failures ? `  (${row.failures} non-200: ${JSON.stringify(row.statuses)})` : "";
            console.error(
              `  ${client} ${kind} batch ${batch} round ${round}: ${fmt(row.events / row.seconds)} events/s${failures}`,
            );
          }
        }
        for (const kind of ["floor", "collector"] as const) {
          const best = tries
            .filter((r) => r.kind === kind)
            .sort((a, b) => b.events / b.seconds - a.events / a.seconds)[0];
          if (best) rows.push(best);
        }
      }
    }
    // Nothing acknowledged may be missing: the topic holds at least every event answered with 200.
    const stored = await topics.storedRecords();
    if (stored < acknowledged)
      throw new Error(`only ${stored} records in ${rawTopic} for ${acknowledged} acknowledged events`);
    printTable(rows);
    console.log(
      `\n${stored.toLocaleString("en-US")} records in the bench topic ≥ ${acknowledged.toLocaleString("en-US")} events acknowledged (all runs, warm-ups excluded from the count). Load average after: ${load()}`,
    );
  } finally {
    await topics.dispose();
  }
}

function printTable(rows: Row[]) {
  const find = (client: string, kind: string, batch: number) =>
    rows.find((r) => r.client === client && r.kind === kind && r.batch === batch);
  console.log(
    `\n${"client".padEnd(11)}${"server".padEnd(10)}${pad("batch", 6)}${pad("events/s", 11)}${pad("req/s", 9)}${pad("p50 ms", 8)}${pad("p99 ms", 8)}${pad("CPU s/100k", 11)}${pad("peak RSS MB", 12)}${pad("× floor", 9)}`,
  );
  for (const row of rows) {
    const floor = find(row.client, "floor", row.batch);
    const ratio =
      row.kind === "collector" && floor ? row.events / row.seconds / (floor.events / floor.seconds) : Number.NaN;
    console.log(
      `${row.client.padEnd(11)}${row.kind.padEnd(10)}${pad(String(row.batch), 6)}${pad(fmt(row.events / row.seconds), 11)}${pad(fmt(row.requests / row.seconds), 9)}` +
        `${pad(fmt(row.p50Ms, 1), 8)}${pad(fmt(row.p99Ms, 1), 8)}${pad(fmt(row.cpuPer100k, 2), 11)}${pad(fmt(row.peakRssMb), 12)}${pad(row.kind === "collector" ? `${fmt(ratio, 2)}×` : "", 9)}`,
    );
  }
  if (clients.length > 1) {
    console.log("\ncollector events/s by client (same run):");
    for (const batch of batchSizes) {
      const parts = clients.map(
        (c) => `${c} ${fmt((find(c, "collector", batch)?.events ?? 0) / (find(c, "collector", batch)?.seconds ?? 1))}`,
      );
      console.log(`  batch ${pad(String(batch), 3)}: ${parts.join("  vs  ")}`);
    }
  }
  const target = find(defaultClient, "collector", TARGET.batch);
  const floor = find(defaultClient, "floor", TARGET.batch);
  if (target && floor) {
    const rate = target.events / target.seconds;
    const ratio = rate / (floor.events / floor.seconds);
    const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
    console.log(
      `\ntarget (batch ${TARGET.batch}, ${defaultClient}): ≥${fmt(TARGET.eventsPerSecond)} events/s: ${fmt(rate)} ${verdict(rate >= TARGET.eventsPerSecond)}; ` +
        `p99 ≤${TARGET.p99Ms} ms: ${fmt(target.p99Ms, 1)} ${verdict(target.p99Ms <= TARGET.p99Ms)}; ` +
        `within 2× of the floor: ${fmt(ratio, 2)}× ${verdict(ratio >= TARGET.floorRatio)}`,
    );
  }
}

await main();
