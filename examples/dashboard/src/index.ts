/** The dashboard as a library: the end-to-end test runs it in-process on the pipeline's own topics. */
export { type Dashboard, type DashboardDeps, startDashboard } from "./app.js";
export { ConfigError, type DashboardConfig, loadConfig } from "./config.js";
export type { DashboardView, SeriesPoint, WindowTotals } from "./core/state.js";
export { type HistorySource, queryHistory } from "./history/query-history.js";
export { jsonLogger, type Logger, silentLogger } from "./logger.js";
