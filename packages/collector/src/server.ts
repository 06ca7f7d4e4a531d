#!/usr/bin/env node
import type { FastifyBaseLogger } from "fastify";
import { buildApp, metricsFor } from "./app.js";
import { type CollectorConfig, ConfigError, loadConfig, startupWarnings } from "./config.js";
import type { CountryDatabase } from "./enrich/geo-country.js";
import { type ReloadResult, watchWriteKeyFile } from "./keys/key-file-reloader.js";
import { WriteKeyRing } from "./keys/write-key-ring.js";
import { portOf, startAdminServer } from "./metrics/admin-server.js";
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

/** Entry point: validate configuration, listen, and on SIGTERM finish in-flight requests before exiting. */
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
  const publisher = createPublisher(config.kafkaClient, publisherOptionsFrom(config));
  const writeKeys = new WriteKeyRing(config.writeKeys);
  const metrics = metricsFor(config, publisher);
  const app = buildApp({ config, publisher, logger: true, writeKeys, metrics });
  for (const warning of startupWarnings(config)) app.log.warn(warning);
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
  if (config.adminPort !== undefined) {
    const admin = await startAdminServer(config.adminHost, config.adminPort, async () => ({
      contentType: metrics.registry.contentType,
      body: await metrics.registry.metrics(),
    }));
    app.addHook("onClose", async () => {
      await new Promise((resolve) => admin.close(resolve));
    });
    app.log.info({ admin: { host: config.adminHost, port: portOf(admin) } }, "admin port: /metrics served here only");
  }
  await app.listen({ host: config.host, port: config.port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
