#!/usr/bin/env node
import type { FastifyBaseLogger } from "fastify";
import { buildApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import type { CountryDatabase } from "./enrich/geo-country.js";
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
  const app = buildApp({ config, publisher, logger: true });
  logGeoIpDatabase(app.log, config.geoIp);
  app.addHook("onClose", async () => publisher.close());

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
  await app.listen({ host: config.host, port: config.port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
