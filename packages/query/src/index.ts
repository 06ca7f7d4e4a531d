export { type ConfigOverrides, type QueryConfig, resolveQueryConfig, s3ClientConfig } from "./config.js";
export {
  type AthenaStatement,
  type DdlTarget,
  fillDdlTemplate,
  renderAthenaDdl,
  renderEventsDdl,
  renderSessionsDdl,
  renderTableDdl,
  renderViewDdl,
  type ViewSource,
} from "./ddl/index.js";
export {
  athenaStatementToTrino,
  athenaTableToTrino,
  parseAthenaTableDdl,
  renderTrinoDdl,
  type TrinoDdlOptions,
} from "./ddl/trino.js";
export { type DuckDbEngine, openDuckDbEngine, type TableFiles } from "./engine/local/duckdb-engine.js";
export {
  createLocalEngine,
  type LocalEngine,
  type LocalEngineOptions,
  type RefreshReport,
} from "./engine/local/local-engine.js";
export { tableViewSql } from "./engine/local/table-sql.js";
export {
  createTrinoEngine,
  resolveTrinoConfig,
  type TrinoConfig,
  type TrinoEngine,
  type TrinoEngineOptions,
} from "./engine/trino/index.js";
export type { QueryEngine, QueryParam, Row } from "./engine/types.js";
export * from "./errors.js";
export { viewCases } from "./fidelity/cases.js";
export {
  type CompareOptions,
  compareEngines,
  compareRows,
  type FidelityCase,
  type FidelityResult,
  hasTopLevelOrderBy,
} from "./fidelity/compare.js";
export { viewSources } from "./sql-files.js";
export { type RevenueByCurrency, type Summary, summarize, summaryQueries } from "./summary.js";
export type { DateRange } from "./sync/plan.js";
export type { TableSyncReport } from "./sync/table-sync.js";
export {
  eventsTable,
  fromContractTable,
  sessionsTable,
  type TableColumn,
  type TableDefinition,
  tables,
} from "./tables.js";
