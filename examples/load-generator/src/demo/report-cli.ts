#!/usr/bin/env node
// Prints the demo's final report from the JSON the query layer and the fraud scorer wrote, and exits 1 when it
// lacks what a demo must show (buildReport's problems).
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { buildReport, formatReport } from "./report.js";

const usage = `usage: shop-demo-report --summary FILE --funnel FILE [--score FILE]

FILEs: shop-query summary --json, shop-query run funnel_sessions --json, shop-fraud-score's output.
Exits 1, listing what is missing, when the report lacks a funnel, sessions, alerts, precision or recall.`;

const { values } = parseArgs({
  options: {
    summary: { type: "string" },
    funnel: { type: "string" },
    score: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (values.help || !values.summary || !values.funnel) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const problems: string[] = [];
async function readJson(path: string | undefined, what: string): Promise<unknown> {
  if (path === undefined) return undefined;
  try {
    return JSON.parse(await readFile(path, "utf8")) as unknown;
  } catch (error) {
    problems.push(`${what} (${path}): ${(error as Error).message}`);
    return undefined;
  }
}

const summary = await readJson(values.summary, "summary");
const funnel = await readJson(values.funnel, "funnel_sessions");
const score = await readJson(values.score, "fraud score");
const built = buildReport({ summary, funnel, score });
process.stdout.write(formatReport(built.report));
const all = [...problems, ...built.problems];
if (all.length > 0) {
  console.error(`shop-demo-report: the report is incomplete:\n${all.map((p) => `  - ${p}`).join("\n")}`);
  process.exit(1);
}
