import { partitionValuePattern, type TableDefinition } from "../tables.js";
import type { RemoteObject } from "./object-store.js";

/** Inclusive UTC day bounds (`YYYY-MM-DD`) on the dt partition; open when unset. */
export interface DateRange {
  readonly from?: string;
  readonly to?: string;
}

/** The dt= prefixes under a table root that a range selects (ISO days compare as text). */
export function selectPartitions(root: string, prefixes: readonly string[], range: DateRange = {}): string[] {
  return prefixes
    .filter((prefix) => {
      if (!prefix.startsWith(root)) return false;
      const match = /^dt=([^/]+)\/$/.exec(prefix.slice(root.length));
      const day = match?.[1];
      if (!day || !partitionValuePattern.dt?.test(day)) return false;
      return (!range.from || day >= range.from) && (!range.to || day <= range.to);
    })
    .sort();
}

/**
 * A Parquet data file of the table, where Athena would read it: exactly the partition segments
 * (`dt=…/hour=…/`) with values the projection enumerates, then a `.parquet` file. Spark's `_SUCCESS`,
 * `.crc` files, and anything under `_temporary/` or another hidden (`_`/`.`) name are not data.
 */
export function isTableDataKey(root: string, table: TableDefinition, key: string): boolean {
  if (!key.startsWith(root)) return false;
  const segments = key.slice(root.length).split("/");
  if (segments.length !== table.partitions.length + 1) return false;
  const partitionsOk = table.partitions.every((partition, i) => {
    const segment = segments[i] ?? "";
    const prefix = `${partition.name}=`;
    const value = segment.slice(prefix.length);
    const pattern = partitionValuePattern[partition.name];
    return segment.startsWith(prefix) && value !== "" && (pattern ? pattern.test(value) : true);
  });
  const file = segments[segments.length - 1] ?? "";
  return partitionsOk && file.endsWith(".parquet") && !file.startsWith("_") && !file.startsWith(".");
}

export interface CachedObject {
  readonly etag: string;
  readonly size: number;
}

/** What the cache holds for one table: object key → the version on disk. */
export interface Manifest {
  readonly version: 1;
  readonly objects: Readonly<Record<string, CachedObject>>;
}

export const emptyManifest = (): Manifest => ({ version: 1, objects: {} });

export interface SyncPlan {
  /** New or changed (ETag or size differs), or missing on disk. */
  readonly download: RemoteObject[];
  /** Cached with the same ETag and size. */
  readonly keep: RemoteObject[];
  /** Cached but gone from the store (e.g. Spark rewrote a partition with new part names). */
  readonly remove: string[];
}

export function planSync(
  remote: readonly RemoteObject[],
  manifest: Manifest,
  onDisk: (key: string) => boolean,
): SyncPlan {
  const download: RemoteObject[] = [];
  const keep: RemoteObject[] = [];
  const remoteKeys = new Set<string>();
  for (const object of remote) {
    remoteKeys.add(object.key);
    const cached = manifest.objects[object.key];
    const fresh = cached && cached.etag === object.etag && cached.size === object.size && onDisk(object.key);
    (fresh ? keep : download).push(object);
  }
  const remove = Object.keys(manifest.objects).filter((key) => !remoteKeys.has(key));
  return { download, keep, remove };
}
