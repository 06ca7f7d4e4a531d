import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Where a server's main thread spent its time, from the V8 CPU profiles `BENCH_CPU_PROF=<dir>` leaves
 * (one folder per server): self time grouped by area (our publisher, HTTP layer, enrichment, Fastify,
 * JSON parsing, validation, the Kafka client's JS, Node internals, GC, native code), then the top
 * functions. Usage: `tsx bench/profile-summary.ts <dir>`.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const areas: Array<[string, RegExp]> = [
  ["collector: publish/", /\/src\/publish\//],
  ["collector: http/", /\/src\/http\//],
  ["collector: enrich/", /\/src\/enrich\//],
  ["collector: metrics/", /\/src\/metrics\//],
  ["bench floor", /\/bench\//],
  ["event-schema validator (ajv)", /event-schema|ajv/],
  ["secure-json-parse", /secure-json-parse/],
  ["fastify + pino + find-my-way", /fastify|find-my-way|pino|avvio|light-my-request/],
  ["prom-client", /prom-client/],
  ["kafka client JS (librdkafka binding)", /kafka-javascript/],
  ["kafka client JS (kafkajs)", /kafkajs/],
  ["undici", /undici/],
  ["tsx loader (start-up)", /tsx|esm\/|cjs\/|loader/],
  ["node internals", /^node:|internal/],
];

function areaOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (!url) {
    if (functionName === "(idle)") return "(idle)";
    if (functionName === "(garbage collector)") return "GC";
    if (functionName === "(program)") return "native (program: C++ bindings, libuv)";
    return `native: ${functionName || "(anonymous)"}`;
  }
  return areas.find(([, pattern]) => pattern.test(url))?.[0] ?? `other: ${url.split("/").slice(-2).join("/")}`;
}

function summarize(file: string) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const timeByNode = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    timeByNode.set(id, (timeByNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const micros = timeByNode.get(node.id) ?? 0;
    const area = areaOf(node);
    if (area === "(idle)") continue;
    busy += micros;
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  }
  const share = (micros: number) => `${((micros / busy) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\n${file}: ${(busy / 1e6).toFixed(2)} s busy on this thread`);
  for (const [area, micros] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 16)) {
    console.log(`  ${share(micros)}  ${area}`);
  }
  console.log("  top functions:");
  for (const [name, micros] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`  ${share(micros)}  ${name}`);
  }
}

const dir = process.argv[2];
if (!dir) throw new Error("usage: tsx bench/profile-summary.ts <BENCH_CPU_PROF dir>");
for (const server of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
  const files = readdirSync(join(dir, server.name)).filter((f) => f.endsWith(".cpuprofile"));
  // The main thread's profile is the busiest one; the others belong to the module loader's thread.
  const busiest = files
    .map((f) => join(dir, server.name, f))
    .map((path) => ({ path, size: readFileSync(path).length }))
    .sort((a, b) => b.size - a.size)[0];
  if (busiest) summarize(busiest.path);
}
