/** The load generator as a library: the end-to-end tests and the benchmark drive a run and score it. */
export { readAlerts } from "./alerts-reader.js";
export type { Case, FraudScenario, HardNegativeScenario, Scenario } from "./cases.js";
export { type Freshness, liveMetricsFreshness, type SeenMinute } from "./freshness.js";
export { readAcks, readJsonLines, readLabels, writeRunFiles } from "./labels.js";
export { type Random, seededRandom } from "./random.js";
export { caseIndex, type FraudScore, percentile, type SeenAlert, scoreRun } from "./score.js";
export { type LoadOptions, type LoadReport, type LoadRun, runLoad } from "./simulate.js";
export { type Ack, type Acks, fetchTransports, type TransportFactory } from "./transport.js";
