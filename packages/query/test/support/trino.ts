import { randomUUID } from "node:crypto";
import { resolveTrinoConfig, type TrinoConfig } from "../../src/engine/trino/config.js";
import { createTrinoEngine, type TrinoEngine } from "../../src/engine/trino/trino-engine.js";
import { ConfigError } from "../../src/errors.js";
import { stackEnv } from "./stack.js";

/** The stack's Trino (scripts/stack/trino.sh), failing with instructions when it is not running. */
export async function openTestTrino(overrides: Partial<TrinoConfig> = {}): Promise<{
  config: TrinoConfig;
  engine: (schema?: string) => TrinoEngine;
}> {
  let config: TrinoConfig;
  try {
    config = resolveTrinoConfig(stackEnv(), overrides);
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`${error.message}\n(stack.env sets TRINO_HOST and TRINO_PORT)`);
    throw error;
  }
  const info = await fetch(`${config.url}/v1/info`, { signal: AbortSignal.timeout(5000) })
    .then((r) => r.json() as Promise<{ starting?: boolean }>)
    .catch((error: Error) => error);
  if (info instanceof Error || info.starting !== false) {
    throw new Error(
      `Trino at ${config.url} is not running or still starting (${info instanceof Error ? info.message : "starting"}). ` +
        "Start it with: make trino-up (or run the whole suite with make test-trino)",
    );
  }
  return {
    config,
    engine: (schema) => createTrinoEngine({ ...config, ...(schema === undefined ? {} : { schema }) }),
  };
}

/** A schema name of this run's own: tests on one Trino never share tables. */
export const uniqueSchema = (label: string) => `${label}_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
