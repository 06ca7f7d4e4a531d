export {
  type BoundQuestion,
  bindQuestion,
  findQuestion,
  loadCatalogue,
  type Question,
  questionFrom,
  type RunOptions,
  runQuestion,
} from "./catalogue/catalogue.js";
export { parseQuestionHeader, type QuestionHeader } from "./catalogue/header.js";
export {
  type ParamDefault,
  type ParamSpec,
  type ParamType,
  type ParamValue,
  parseParamValue,
  resolveParamValues,
} from "./catalogue/params.js";
export { type PositionalSql, toPositional } from "./catalogue/placeholders.js";
export {
  type AthenaConfig,
  athenaClientConfig,
  type ConfigOverrides,
  type EngineConfig,
  type QueryConfig,
  resolveAthenaConfig,
  resolveEngineConfig,
  resolveQueryConfig,
  s3ClientConfig,
} from "./config.js";
export {
  type ApplyDdlOptions,
  applyDdl,
  type DdlAction,
  type DdlEngine,
  type DdlProgress,
  type DdlStep,
  planDdl,
} from "./ddl/apply.js";
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
  athenaTableToTrinoStatements,
  parseAthenaTableDdl,
  renderTrinoDdl,
  type TrinoDdlOptions,
} from "./ddl/trino.js";
export {
  type AthenaEngine,
  type AthenaEngineOptions,
  type AthenaResult,
  type AthenaSender,
  createAthenaEngine,
  type DeployedTable,
  type ExecuteOptions,
  isReadOnlyStatement,
} from "./engine/athena/athena-engine.js";
export { type AthenaColumn, athenaValue } from "./engine/athena/convert.js";
export {
  type AthenaPricing,
  athenaCostUsd,
  defaultAthenaPricing,
  formatBytes,
  formatCostLine,
  type QueryStats,
} from "./engine/athena/cost.js";
export { executionParameter, executionParameters } from "./engine/athena/parameters.js";
export { type Clock, defaultPollPolicy, type PollPolicy, pollDelay, systemClock } from "./engine/athena/polling.js";
export {
  type AthenaProgress,
  createTtyProgress,
  formatProgressLine,
  type ProgressListener,
  type ProgressRenderer,
  type ProgressStream,
} from "./engine/athena/progress.js";
export { type CreatedEngine, type CreateEngineOptions, createEngine } from "./engine/create-engine.js";
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
export type { QueryEngine, QueryParam, Row, SqlDialect } from "./engine/types.js";
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
export { localViewSources, viewSources } from "./sql-files.js";
export { type RevenueByCurrency, type Summary, summarize, summaryQueries } from "./summary.js";
export type { DateRange } from "./sync/plan.js";
export type { TableSyncReport } from "./sync/table-sync.js";
export {
  athenaType,
  eventsTable,
  fromContractTable,
  type PartitionColumn,
  sessionsTable,
  type TableColumn,
  type TableDefinition,
  type TableStorage,
  tables,
} from "./tables.js";
