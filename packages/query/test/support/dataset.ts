import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { sessionsTable } from "../../src/tables.js";
import { type EventRow, type WriteOptions, writeEvents, writeParquet } from "./parquet.js";

/** A file of the lake, by its key relative to the lake root (`events/dt=…/hour=…/x.parquet`). */
export interface LakeFile {
  readonly key: string;
  readonly path: string;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Hive key of an event; partitioned by event time here (the test's choice, not the sink's rule). */
export const eventPartition = (row: EventRow) => {
  const ts = new Date(row.event_ts);
  return `dt=${ts.toISOString().slice(0, 10)}/hour=${pad(ts.getUTCHours())}`;
};

/** Writes events under `<dir>/events/dt=…/hour=…/<name>.parquet`, one file per partition. */
export async function writeEventPartitions(
  dir: string,
  rows: readonly EventRow[],
  name: string,
  options?: WriteOptions,
): Promise<LakeFile[]> {
  const byPartition = new Map<string, EventRow[]>();
  for (const row of rows) byPartition.set(eventPartition(row), [...(byPartition.get(eventPartition(row)) ?? []), row]);
  const files: LakeFile[] = [];
  for (const [partition, partitionRows] of byPartition) {
    const key = `events/${partition}/${name}.parquet`;
    files.push(await writeLakeFile(dir, key, (path) => writeEvents(path, partitionRows, options)));
  }
  return files;
}

export type SessionRow = Record<string, unknown> & { session_id: string; session_start: string };

export async function writeSessionPartition(
  dir: string,
  dt: string,
  rows: readonly SessionRow[],
  name = "part-00000",
): Promise<LakeFile> {
  return writeLakeFile(dir, `sessions/dt=${dt}/${name}.parquet`, (path) =>
    writeParquet(path, sessionsTable.columns, rows),
  );
}

export async function writeLakeFile(dir: string, key: string, write: (path: string) => Promise<void>) {
  const path = join(dir, key);
  mkdirSync(dirname(path), { recursive: true });
  await write(path);
  return { key, path };
}

export const session = (id: string, start: string, overrides: Partial<SessionRow> = {}): SessionRow => ({
  session_id: id,
  anonymous_id: `anon-${id}`,
  user_id: null,
  session_start: start,
  session_end: new Date(Date.parse(start) + 300_000).toISOString(),
  duration_seconds: 300,
  event_count: 5,
  page_views: 2,
  product_views: 1,
  orders: 0,
  revenue: 0,
  is_bounce: false,
  landing_page: "/",
  utm_source: null,
  utm_medium: null,
  utm_campaign: null,
  ...overrides,
});
