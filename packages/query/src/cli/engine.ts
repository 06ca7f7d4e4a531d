import type { EngineConfig, QueryConfig } from "../config.js";
import type { DdlEngine } from "../ddl/apply.js";
import type { AthenaPricing, QueryStats } from "../engine/athena/cost.js";
import { type CreatedEngine, type CreateEngineOptions, createEngine } from "../engine/create-engine.js";
import type { LocalEngine } from "../engine/local/local-engine.js";
import type { QueryEngine, QueryParam, Row } from "../engine/types.js";

/** What the CLI runs queries on, and how it lets go of it. */
export interface CliEngine extends QueryEngine {
  /** One line for stderr about what opening the engine did (the local engine's sync), if anything. */
  readonly notice?: string;
  /** Athena only: what the queries run so far scanned and cost, for the cost line. */
  readonly athena?: {
    readonly pricing: AthenaPricing;
    readonly stats: readonly QueryStats[];
    /** The engine `ddl --apply` deploys with. */
    readonly ddl: DdlEngine;
  };
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

function cliEngine(config: EngineConfig, engine: CreatedEngine): CliEngine {
  if (engine.kind === "local" && config.kind === "local") {
    return {
      sqlDialect: engine.sqlDialect,
      notice: syncNotice(config.local, engine),
      query: (sql, params) => engine.query(sql, params),
      close: () => engine.close(),
    };
  }
  if (engine.kind !== "athena") throw new Error(`createEngine returned a ${engine.kind} engine for ${config.kind}`);
  const stats: QueryStats[] = [];
  return {
    ...(engine.sqlDialect ? { sqlDialect: engine.sqlDialect } : {}),
    athena: { pricing: engine.pricing, stats, ddl: engine },
    async query<T extends Row = Row>(sql: string, params?: readonly QueryParam[]): Promise<T[]> {
      const rows = await engine.query<T>(sql, params);
      // Only a query that succeeded has statistics; lastStats is that query's.
      if (engine.lastStats) stats.push(engine.lastStats);
      return rows;
    },
    close: () => engine.close(),
  };
}

/**
 * The one place the CLI gets its engine: `createEngine(config)`, the local DuckDB engine over a synced copy
 * of the lake or Athena, as SHOP_QUERY_ENGINE chose. `options` carry Athena's abort signal (Ctrl-C) and
 * progress listener; the local engine ignores them.
 */
export async function openCliEngine(config: EngineConfig, options: CreateEngineOptions = {}): Promise<CliEngine> {
  const engine = await createEngine(config, options);
  try {
    return cliEngine(config, engine);
  } catch (error) {
    await engine.close();
    throw error;
  }
}
