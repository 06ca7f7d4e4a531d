#!/usr/bin/env node
import { startDashboard } from "./app.js";
import { ConfigError, type DashboardConfig, EXIT_BAD_CONFIG, loadConfig } from "./config.js";
import { jsonLogger } from "./logger.js";

const USAGE = `Usage: shop-dashboard

Serves the live dashboard (default http://127.0.0.1:18081): reads metrics.live and alerts.fraud from Kafka
and pushes the figures to the page over SSE; the "Today vs yesterday" tab asks @shop/query. Prints the
page's address on stdout; logs are JSON lines on stderr. Settings: see examples/dashboard/README.md.
`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes("-h") || argv.includes("--help")) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`shop-dashboard: unexpected arguments: ${argv.join(" ")}\n\n${USAGE}`);
    return 2;
  }
  let config: DashboardConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT_BAD_CONFIG;
    }
    throw error;
  }
  const logger = jsonLogger();
  const dashboard = await startDashboard(config, { logger });
  process.stdout.write(`dashboard: ${dashboard.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await dashboard.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`shop-dashboard: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
