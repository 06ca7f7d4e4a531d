import type { FastifyInstance } from "fastify";
import { afterEach } from "vitest";
import { type BuildAppOptions, buildApp } from "../src/app.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { createCollectorMetrics } from "../src/metrics/collector-metrics.js";
import { recordingPublisher } from "./recording-publisher.js";

const open: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

/**
 * An app on the in-memory recording publisher, configured from `env` like the real process, closed
 * after each test. Process metrics are off: tests build many apps in one process.
 */
export function setupApp(env: Record<string, string> = {}, options: Pick<BuildAppOptions, "logger"> = {}) {
  const recorder = recordingPublisher();
  const config = devConfig({ KAFKA_BROKERS: "127.0.0.1:1", ...env });
  const metrics = createCollectorMetrics({ processMetrics: false, sources: new Set(config.writeKeys.values()) });
  const app = buildApp({ config, publisher: recorder.publisher, metrics, ...options });
  open.push(app);
  return { app, config, metrics, ...recorder };
}

/** Tests that configure no keys run as local development does: authentication off, by the explicit flag. */
export const devDefaults = (env: Record<string, string | undefined>): Record<string, string> =>
  env.COLLECTOR_WRITE_KEYS || env.COLLECTOR_WRITE_KEYS_FILE ? {} : { COLLECTOR_ALLOW_NO_WRITE_KEYS: "true" };

/** loadConfig as local development runs it when `env` names no keys. */
export const devConfig = (env: Record<string, string | undefined>) =>
  loadConfig({ ...devDefaults(env), ...env } as Record<string, string>);

export const basicAuth = (key: string) => `Basic ${Buffer.from(`${key}:`).toString("base64")}`;

/** The problems loadConfig reports for `env` ([] when it accepts it). */
export const problemsOf = (env: Record<string, string>): string[] => {
  try {
    devConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};
