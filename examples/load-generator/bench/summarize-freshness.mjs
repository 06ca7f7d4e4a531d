// freshness.sh's figures. `summarize-freshness.mjs RUN DIR LIVE_SECONDS`: one JSON line from a round's files;
// `summarize-freshness.mjs --table results.jsonl`: the rounds side by side, each figure beside its baseline.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { percentile, readJsonLines } from "../dist/index.js";

const json = (path) => JSON.parse(readFileSync(path, "utf8"));
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const figures = (f) =>
  f?.count ? `p50 ${seconds(f.p50Ms)}  p95 ${seconds(f.p95Ms)}  max ${seconds(f.maxMs)}  (n=${f.count})` : "none";

const [first, second, third] = process.argv.slice(2);
if (first === "--table") {
  const rows = readFileSync(second, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  for (const r of rows) {
    console.log(`${r.run}  ${r.events} events, ${r.liveEventsPerSecond?.toFixed(1) ?? "-"} events/s on average`);
    console.log(
      `  lake          collector 2xx → row in a Parquet file: ${figures(r.acked)}, missing ${r.acked?.missing ?? "-"}   [component: sink receipt → file ${figures(r.sink)}]`,
    );
    console.log(
      `  live metrics  collector 2xx → counted: ${figures(r.liveMetrics)}, never counted ${r.liveMetrics.unseen}   [component: trigger 5 s]`,
    );
    console.log(
      `  fraud alerts  collector 2xx → alert on Kafka: ${figures(r.fraud?.latency)}; precision ${r.fraud?.precision ?? "-"} recall ${r.fraud?.recall ?? "-"}   [component: micro-batch p50 ${r.fraud?.batchMs?.p50 ?? "-"} ms, p95 ${r.fraud?.batchMs?.p95 ?? "-"} ms]`,
    );
    console.log(
      `  sessions      gap closed → in the table: ${figures(r.sessions)}   [component: watermark 180 s + sink ${figures(r.sink)}]`,
    );
  }
} else {
  const live = json(join(second, "live-metrics.json"));
  const lake = json(join(second, "lake.json"));
  const report = json(join(second, "load-report.json"));
  const scorePath = join(second, "score.json");
  const score = existsSync(scorePath) && readFileSync(scorePath, "utf8").trim() ? json(scorePath) : undefined;
  const progressPath = join(second, "fraud-progress.jsonl");
  const batches = existsSync(progressPath)
    ? (await readJsonLines(progressPath))
        .filter((p) => p.numInputRows > 0)
        .map((p) => p.triggerExecutionMs ?? 0)
        .sort((a, b) => a - b)
    : [];
  const liveSeconds = Number(third);
  console.log(
    JSON.stringify({
      run: first,
      events: report.sent,
      liveEventsPerSecond: liveSeconds > 0 ? report.liveSteps / liveSeconds : null,
      ...live,
      ...lake,
      fraud: score && {
        latency: score.latency,
        precision: score.precision,
        recall: score.recall,
        batchMs: { p50: percentile(batches, 50), p95: percentile(batches, 95) },
      },
    }),
  );
}
