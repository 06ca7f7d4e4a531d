// freshness.sh's figures. `summarize-freshness.mjs RUN DIR`: one JSON line from a round's files;
// `summarize-freshness.mjs --table results.jsonl`: the rounds side by side, each beside its baselines.
import { readFileSync } from "node:fs";
import { join } from "node:path";

const json = (path) => JSON.parse(readFileSync(path, "utf8"));
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const figures = (f) =>
  f?.count ? `p50 ${seconds(f.p50Ms)}  p95 ${seconds(f.p95Ms)}  max ${seconds(f.maxMs)}  (n=${f.count})` : "none";

const [first, second] = process.argv.slice(2);
if (first === "--table") {
  const rows = readFileSync(second, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  for (const r of rows) {
    console.log(`${r.run}  ${r.events} events`);
    console.log(
      `  live metrics  collector 2xx → counted: ${figures(r.liveMetrics)}, never counted ${r.liveMetrics.unseen}   [baseline: trigger 5 s]`,
    );
    console.log(
      `  sessions      gap closed → in the table: ${figures(r.sessions)}   [baseline: watermark 180 s + sink ${figures(r.sink)}]`,
    );
  }
} else {
  const live = json(join(second, "live-metrics.json"));
  const lake = json(join(second, "lake.json"));
  const report = json(join(second, "load-report.json"));
  console.log(JSON.stringify({ run: first, events: report.sent, ...live, ...lake }));
}
