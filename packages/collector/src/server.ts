#!/usr/bin/env node
import cluster from "node:cluster";
import type { FastifyBaseLogger } from "fastify";
import { pino } from "pino";
import { buildApp, metricsFor } from "./app.js";
import { runPrimary } from "./cluster/primary.js";
import { clusterMetricsSource } from "./cluster/worker-metrics.js";
import { type CollectorConfig, ConfigError, loadConfig, multiProcessProblems, startupWarnings } from "./config.js";
import type { CountryDatabase } from "./enrich/geo-country.js";
import { collectorLoggerOptions } from "./http/logging.js";
import { type ReloadResult, watchWriteKeyFile } from "./keys/key-file-reloader.js";
import { WriteKeyRing } from "./keys/write-key-ring.js";
import { portOf, startAdminServer } from "./metrics/admin-server.js";
import { registryMetrics } from "./metrics/register-metrics.js";
import { createPublisher, publisherOptionsFrom } from "./publish/create-publisher.js";
import { closeGracefully } from "./shutdown.js";

/** A country database older than this is worth a warning: allocations move between countries every day. */
const GEOIP_STALE_DAYS = 90;

function logGeoIpDatabase(log: FastifyBaseLogger, database: CountryDatabase | undefined) {
  if (database === undefined) {
    log.info("geo_country lookup off (COLLECTOR_GEOIP_DB=off)");
    return;
  }
  const { path, databaseType, builtAt } = database;
  const ageDays = Math.floor((Date.now() - builtAt.getTime()) / 86_400_000);
  const geoIpDatabase = { path, databaseType, builtAt: builtAt.toISOString(), ageDays };
  if (ageDays > GEOIP_STALE_DAYS) {
    log.warn(
      { geoIpDatabase },
      `geo_country database is ${ageDays} days old; point COLLECTOR_GEOIP_DB at a current one`,
    );
  } else {
    log.info({ geoIpDatabase }, "geo_country database opened");
  }
}

/** Follows the key file, when there is one, logging each reload; the app reads keys from `ring`. */
function followWriteKeyFile(config: CollectorConfig, ring: WriteKeyRing, log: FastifyBaseLogger) {
  const path = config.writeKeysFile;
  if (path === undefined) return undefined;
  const onReload = (result: ReloadResult, trigger: "change" | "signal") => {
    if (result.ok)
      log.info({ writeKeys: { keys: result.keys, sources: result.sources, trigger } }, "write keys reloaded");
    else
      log.error(
        { writeKeys: { problems: result.problems, trigger } },
        "write key file not reloaded; the keys in force stay",
      );
  };
  return watchWriteKeyFile({
    path,
    envKeys: config.envWriteKeys,
    requirements: config.keyRequirements,
    ring,
    pollIntervalMs: config.writeKeysFilePollMs,
    onReload,
  });
}

/**
 * Entry point: validate configuration, then either serve (one process, or a worker), or as the primary
 * of COLLECTOR_WORKERS processes fork and watch the workers.
 */
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  if (config.workers > 1 && cluster.isPrimary) {
    const problems = multiProcessProblems(config);
    if (problems.length > 0) {
      console.error(new ConfigError(problems).message);
      process.exit(78); // EX_CONFIG
    }
    const log = pino(collectorLoggerOptions(config.logLevel));
    for (const warning of startupWarnings(config)) log.warn(warning);
    await runPrimary(config, log);
    return;
  }
  await serve(config);
}

/** Listens and serves; on SIGTERM finishes in-flight requests before exiting. */
async function serve(config: CollectorConfig) {
  const clustered = cluster.isWorker;
  const publisher = createPublisher(config.kafkaClient, publisherOptionsFrom(config));
  const writeKeys = new WriteKeyRing(config.writeKeys);
  const metrics = metricsFor(config, publisher);
  const app = buildApp({
    config,
    publisher,
    // A worker's log lines say which worker wrote them.
    logger: clustered ? { base: { pid: process.pid, worker: Number(process.env.COLLECTOR_WORKER_INDEX) } } : true,
    writeKeys,
    metrics,
    ...(clustered ? { metricsSource: clusterMetricsSource(metrics.registry) } : {}),
  });
  if (!clustered) for (const warning of startupWarnings(config)) app.log.warn(warning);
  logGeoIpDatabase(app.log, config.geoIp);
  const keyFile = followWriteKeyFile(config, writeKeys, app.log);
  app.addHook("onClose", async () => {
    keyFile?.close();
    await publisher.close();
  });

  let closing = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, "shutting down");
      closeGracefully(app).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  // A worker's admin port is the primary's.
  if (config.adminPort !== undefined && !clustered) {
    const admin = await startAdminServer(config.adminHost, config.adminPort, registryMetrics(metrics));
    app.addHook("onClose", async () => {
      await new Promise((resolve) => admin.close(resolve));
    });
    app.log.info({ admin: { host: config.adminHost, port: portOf(admin) } }, "admin port: /metrics served here only");
  }
  // A worker binds its own socket on the shared port (SO_REUSEPORT; the kernel spreads connections)
  // instead of node:cluster's default, where the primary accepts and hands each connection to a worker
  // over IPC: one handed to a worker that was just killed is lost in transit, and its client waits
  // with no answer and no error (measured: 1 run in 3 of the cluster test hung that way). A killed
  // worker's own socket closes with it, so new connections only reach the living ones.
  await app.listen(
    clustered
      ? ({ host: config.host, port: config.port, reusePort: true, exclusive: true } as { host: string; port: number })
      : { host: config.host, port: config.port },
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
