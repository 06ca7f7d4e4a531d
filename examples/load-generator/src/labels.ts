import { readFile, writeFile } from "node:fs/promises";
import type { Case } from "./cases.js";
import type { LoadRun } from "./simulate.js";
import type { Acks } from "./transport.js";

const jsonLines = (rows: unknown[]) => rows.map((row) => `${JSON.stringify(row)}\n`).join("");

/** labels.jsonl: one case per line. acks.jsonl: {"messageId", "ackedAt", "eventAt"} per accepted event. */
export async function writeRunFiles(run: LoadRun, paths: { labels?: string; acks?: string }): Promise<void> {
  if (paths.labels) await writeFile(paths.labels, jsonLines(run.cases));
  if (paths.acks) {
    await writeFile(paths.acks, jsonLines([...run.acks].map(([messageId, ack]) => ({ messageId, ...ack }))));
  }
}

/** A JSON Lines file's records (blank lines skipped). */
export async function readJsonLines(path: string): Promise<unknown[]> {
  return (await readFile(path, "utf8"))
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as unknown);
}

export async function readLabels(path: string): Promise<Case[]> {
  return (await readJsonLines(path)) as Case[];
}

export async function readAcks(path: string): Promise<Acks> {
  const rows = (await readJsonLines(path)) as Array<{ messageId: string; ackedAt: number; eventAt: number }>;
  return new Map(rows.map((row) => [row.messageId, { ackedAt: row.ackedAt, eventAt: row.eventAt }]));
}
