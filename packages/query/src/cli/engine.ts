import { S3Client } from "@aws-sdk/client-s3";
import { type QueryConfig, s3ClientConfig } from "../config.js";
import { createLocalEngine, type LocalEngine } from "../engine/local/local-engine.js";
import type { QueryEngine } from "../engine/types.js";

/** What the CLI runs queries on, and how it lets go of it. */
export interface CliEngine extends QueryEngine {
  /** One line for stderr about what opening the engine did (the local engine's sync), if anything. */
  readonly notice?: string;
  /** Releases what close() does not (the S3 client). */
  dispose?(): void;
}

function syncNotice(config: QueryConfig, engine: LocalEngine): string {
  const synced = engine.lastRefresh.tables
    .map(
      (t) =>
        `${t.table} ${t.objects} file(s) (${t.downloaded} downloaded, ${t.unchanged} cached, ${t.removed} removed)`,
    )
    .join(", ");
  return `synced s3://${config.bucket}/${config.prefix}: ${synced} in ${engine.lastRefresh.durationMs} ms`;
}

/**
 * The one place the CLI gets its engine. Today: the local DuckDB engine over a synced copy of the lake.
 * When the Athena engine lands, this becomes `createEngine(config)`, which picks by configuration.
 */
export async function openCliEngine(config: QueryConfig): Promise<CliEngine> {
  const s3 = new S3Client(s3ClientConfig(config.s3));
  try {
    const engine = await createLocalEngine({
      s3,
      bucket: config.bucket,
      prefix: config.prefix,
      cacheDir: config.cacheDir,
      dates: config.dates,
    });
    return {
      sqlDialect: engine.sqlDialect,
      notice: syncNotice(config, engine),
      query: (sql, params) => engine.query(sql, params),
      close: () => engine.close(),
      dispose: () => s3.destroy(),
    };
  } catch (error) {
    s3.destroy();
    throw error;
  }
}
