import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { type TableDefinition, tableFolder } from "../tables.js";
import type { ObjectStore } from "./object-store.js";
import {
  type DateRange,
  emptyManifest,
  isTableDataKey,
  listedLevels,
  type Manifest,
  planSync,
  selectPrefixes,
} from "./plan.js";

export interface TableSyncOptions {
  readonly store: ObjectStore;
  readonly table: TableDefinition<string>;
  /** Key prefix of the lake: `""` or ending in `/`. */
  readonly prefix: string;
  /** Cache root for this store; objects land at `<dir>/<key>`, so the Hive layout survives on disk. */
  readonly dir: string;
  readonly range?: DateRange;
  /** Parallel listings and downloads. */
  readonly concurrency?: number;
}

export interface TableSyncReport {
  readonly table: string;
  readonly partitions: number;
  readonly objects: number;
  readonly downloaded: number;
  readonly unchanged: number;
  readonly removed: number;
  readonly bytesDownloaded: number;
}

export interface TableSyncResult {
  readonly report: TableSyncReport;
  /** Absolute paths of the table's cached data files, sorted. */
  readonly files: string[];
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function readManifest(path: string): Promise<Manifest> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as Manifest;
    return parsed.version === 1 && typeof parsed.objects === "object" ? parsed : emptyManifest();
  } catch {
    // Missing or unreadable: start over; the worst case is downloading again.
    return emptyManifest();
  }
}

/** Write then rename, so a crash leaves the old file or the new one, never half of one. */
async function writeAtomically(path: string, write: (tmp: string) => Promise<unknown>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    await write(tmp);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Mirrors one table's data objects (Parquet, or JSON Lines) into the cache: lists the partition levels
 * down to dt with a delimiter (`dead-letter/` → `sink/` → `dt=…/`), keeping only the values Athena's
 * projection enumerates and the days in the range, lists the selected partitions, downloads what is new or
 * changed (by ETag and size), deletes what disappeared, and records the versions in a manifest beside
 * the files.
 */
export async function syncTable(options: TableSyncOptions): Promise<TableSyncResult> {
  const { store, table, prefix, range } = options;
  const concurrency = options.concurrency ?? 4;
  const dir = resolve(options.dir);
  const root = `${prefix}${tableFolder(table)}/`;
  const localPath = (key: string) => {
    const path = resolve(dir, key);
    // Keys passed isTableDataKey and the prefix was validated; this guards the invariant anyway.
    if (!path.startsWith(`${dir}${sep}`)) throw new Error(`object key ${key} escapes the cache directory`);
    return path;
  };
  const manifestPath = join(dir, root, "_manifest.json");

  let partitions = [root];
  for (const level of listedLevels(table)) {
    const below = await mapLimit(partitions, concurrency, async (parent) =>
      selectPrefixes(parent, await store.listPrefixes(parent), level, range),
    );
    partitions = below.flat();
  }
  const listed = (await mapLimit(partitions, concurrency, (p) => store.listObjects(p))).flat();
  const remote = listed.filter((o) => isTableDataKey(root, table, o.key));

  const manifest = await readManifest(manifestPath);
  const plan = planSync(remote, manifest, (key) => existsSync(localPath(key)));

  const objects: Record<string, { etag: string; size: number }> = {};
  for (const kept of plan.keep) objects[kept.key] = { etag: kept.etag, size: kept.size };
  // Removed objects go first: the manifest written below no longer knows them.
  await Promise.all(plan.remove.map((key) => rm(localPath(key), { force: true })));
  let bytesDownloaded = 0;
  try {
    await mapLimit(plan.download, concurrency, async (object) => {
      let got = object;
      await writeAtomically(localPath(object.key), async (tmp) => {
        got = await store.download(object.key, tmp);
      });
      // The version actually fetched, which may be newer than the listing's.
      objects[object.key] = { etag: got.etag, size: got.size };
      bytesDownloaded += got.size;
    });
  } finally {
    // Record what did arrive even when a download failed, so a retry fetches only the rest.
    await writeAtomically(manifestPath, (tmp) => writeFile(tmp, JSON.stringify({ version: 1, objects })));
  }
  return {
    report: {
      table: table.name,
      partitions: partitions.length,
      objects: remote.length,
      downloaded: plan.download.length,
      unchanged: plan.keep.length,
      removed: plan.remove.length,
      bytesDownloaded,
    },
    files: Object.keys(objects)
      .sort()
      .map((key) => localPath(key)),
  };
}
