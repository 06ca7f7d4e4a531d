export { resolveTrinoConfig, type TrinoConfig } from "./config.js";
export { converterFor, rowConverter, uniqueColumnNames } from "./convert.js";
export { parseTrinoJson } from "./json.js";
export { executeStatement, preparedStatementHeader, trinoLiteral } from "./literals.js";
export { createTrinoEngine, type TrinoEngine, type TrinoEngineOptions } from "./trino-engine.js";
