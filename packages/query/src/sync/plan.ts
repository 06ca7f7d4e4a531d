import { type PartitionColumn, partitionValuePattern, type TableDefinition, tableFormat } from "../tables.js";
import type { RemoteObject } from "./object-store.js";

/** Inclusive UTC day bounds (`YYYY-MM-DD`) on the dt partition; open when unset. */
export interface DateRange {
  readonly from?: string;
  readonly to?: string;
}

/**
 * The partition's value in one key segment, when the segment has the partition's form (`dt=…` or the bare
 * value) and a value Athena's projection enumerates (the contract's values, else the dt/hour patterns);
 * else undefined: Athena never looks there, so neither does the sync.
 */
export function partitionValue(partition: PartitionColumn, segment: string): string | undefined {
  const prefix = partition.inKey === "value" ? "" : `${partition.name}=`;
  if (!segment.startsWith(prefix)) return undefined;
  const value = segment.slice(prefix.length);
  if (value === "") return undefined;
  if (partition.values) return partition.values.includes(value) ? value : undefined;
  const pattern = partitionValuePattern[partition.name];
  return !pattern || pattern.test(value) ? value : undefined;
}

/**
 * The prefixes one partition level below `parent` that the partition accepts, sorted; on the dt level,
 * only the days in the range (ISO days compare as text).
 */
export function selectPrefixes(
  parent: string,
  prefixes: readonly string[],
  partition: PartitionColumn,
  range: DateRange = {},
): string[] {
  return prefixes
    .filter((prefix) => {
      if (!prefix.startsWith(parent) || !prefix.endsWith("/")) return false;
      const segment = prefix.slice(parent.length, -1);
      if (segment.includes("/")) return false;
      const value = partitionValue(partition, segment);
      if (value === undefined) return false;
      if (partition.name !== "dt") return true;
      return (!range.from || value >= range.from) && (!range.to || value <= range.to);
    })
    .sort();
}

/** The partition levels the sync lists one by one (down to dt, where the range applies); the rest in one listing. */
export const listedLevels = (table: TableDefinition<string>): readonly PartitionColumn[] =>
  table.partitions.slice(0, table.partitions.findIndex((p) => p.name === "dt") + 1);

const dataFileSuffix = { parquet: ".parquet", json_lines: ".jsonl" } as const;

/**
 * A data file of the table, where Athena would read it: exactly the partition segments (`<stage>/`,
 * `dt=…/`, `hour=…/`) with values the projection enumerates, then a `.parquet` file (`.jsonl` for a
 * JSON Lines table). Spark's `_SUCCESS`, `.crc` files, and anything under `_temporary/` or another
 * hidden (`_`/`.`) name are not data.
 */
export function isTableDataKey(root: string, table: TableDefinition<string>, key: string): boolean {
  if (!key.startsWith(root)) return false;
  const segments = key.slice(root.length).split("/");
  if (segments.length !== table.partitions.length + 1) return false;
  const partitionsOk = table.partitions.every(
    (partition, i) => partitionValue(partition, segments[i] ?? "") !== undefined,
  );
  const file = segments[segments.length - 1] ?? "";
  return (
    partitionsOk && file.endsWith(dataFileSuffix[tableFormat(table)]) && !file.startsWith("_") && !file.startsWith(".")
  );
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
