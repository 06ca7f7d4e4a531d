import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { bucketProblem, normalizePrefix } from "../../config.js";
import { ConfigError } from "../../errors.js";
import type { DateRange } from "../../sync/plan.js";
import { createS3ObjectStore } from "../../sync/s3-object-store.js";
import { syncTable, type TableSyncReport } from "../../sync/table-sync.js";
import { type TableName, tables } from "../../tables.js";
import type { QueryEngine, QueryParam, Row } from "../types.js";
import { openDuckDbEngine, type TableFiles } from "./duckdb-engine.js";

export interface LocalEngineOptions {
  /** The caller's client (endpoint, credentials); the engine does not close it. */
  readonly s3: S3Client;
  readonly bucket: string;
  /** Key prefix above `events/` and `sessions/`. @default "" */
  readonly prefix?: string;
  /** Where data objects are cached (by key, checked by ETag) and DuckDB keeps its scratch files. */
  readonly cacheDir: string;
  /** Only sync dt partitions in this range. @default all */
  readonly dates?: DateRange;
}

export interface RefreshReport {
  readonly tables: readonly TableSyncReport[];
  readonly durationMs: number;
}

export interface LocalEngine extends QueryEngine {
  /** Syncs new and changed objects, drops removed ones, and points the tables at the result. */
  refresh(): Promise<RefreshReport>;
  /** The report of the latest successful refresh (createLocalEngine runs the first). */
  readonly lastRefresh: RefreshReport;
}

/**
 * The cache folder of the client's S3 endpoint ("127.0.0.1_19000"; "aws" without one): two lakes with one bucket
 * name (two local stacks on one machine, or a local one and AWS) must not share, and delete, each other's files.
 */
export async function endpointFolder(s3: S3Client): Promise<string> {
  const endpoint = await s3.config.endpoint?.();
  if (!endpoint) return "aws";
  return `${endpoint.hostname}_${endpoint.port ?? endpoint.protocol.replace(":", "")}`.replace(/[^A-Za-z0-9._-]/g, "_");
}

/**
 * The development stand-in for Athena: the same tables and views over the same S3 layout, run by an
 * embedded DuckDB on a local copy of the Parquet and JSON Lines objects (DuckDB's own S3 support,
 * httpfs, is an extension downloaded at run time, which these machines cannot do). Syncs once before
 * returning.
 */
export async function createLocalEngine(options: LocalEngineOptions): Promise<LocalEngine> {
  const problem = bucketProblem(options.bucket);
  if (problem) throw new ConfigError([problem]);
  const prefix = normalizePrefix(options.prefix ?? "");
  const store = createS3ObjectStore(options.s3, options.bucket);
  const objectsDir = join(options.cacheDir, "s3", await endpointFolder(options.s3), options.bucket);
  const duck = await openDuckDbEngine({ dataDir: options.cacheDir });

  // Refresh deletes files a query may be reading: the two never overlap.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };

  let lastRefresh: RefreshReport = { tables: [], durationMs: 0 };
  const refresh = () =>
    serial(async (): Promise<RefreshReport> => {
      const started = performance.now();
      const files: Partial<Record<TableName, string[]>> = {};
      const reports: TableSyncReport[] = [];
      for (const table of tables) {
        const result = await syncTable({
          store,
          table,
          prefix,
          dir: objectsDir,
          ...(options.dates ? { range: options.dates } : {}),
        });
        files[table.name] = result.files;
        reports.push(result.report);
      }
      await duck.bindTables(files as TableFiles);
      lastRefresh = { tables: reports, durationMs: Math.round(performance.now() - started) };
      return lastRefresh;
    });

  const engine: LocalEngine = {
    sqlDialect: "duckdb",
    refresh,
    get lastRefresh() {
      return lastRefresh;
    },
    query: <T extends Row = Row>(sql: string, params?: readonly QueryParam[]) =>
      serial(() => duck.query<T>(sql, params)),
    close: () => serial(() => duck.close()),
  };
  try {
    await refresh();
  } catch (error) {
    await duck.close();
    throw error;
  }
  return engine;
}
