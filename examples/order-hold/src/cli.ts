#!/usr/bin/env node
import { runOrderHold } from "./app.js";
import { ConfigError, EXIT_BAD_CONFIG, loadConfig, type OrderHoldConfig } from "./config.js";
import { jsonLogger } from "./logger.js";

const USAGE = `Usage: shop-order-hold

Reads fraud alerts from Kafka (KAFKA_TOPIC_FRAUD, default alerts.fraud) and places a hold on each
alert's order through the shop's webhook (ORDER_HOLD_WEBHOOK_URL), at least once and idempotent by
alert id. Without ORDER_HOLD_WEBHOOK_URL it starts a local stand-in shop on 127.0.0.1 that prints one
line per hold to stdout. Logs are JSON lines on stderr. Settings: see examples/order-hold/README.md.
Runs until SIGINT or SIGTERM (a second signal exits at once).
`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes("-h") || argv.includes("--help")) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`shop-order-hold: unexpected arguments: ${argv.join(" ")}\n\n${USAGE}`);
    return 2;
  }
  let config: OrderHoldConfig;
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
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(130);
    logger.info("stopping: finishing the record in flight, then disconnecting (signal again to exit at once)", {
      signal,
    });
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const summary = await runOrderHold(config, {
    logger,
    print: (line) => process.stdout.write(`${line}\n`),
    signal: controller.signal,
  });
  logger.info("order-hold consumer stopped", { ...summary.counts });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `shop-order-hold: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
