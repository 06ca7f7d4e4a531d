#!/usr/bin/env node
import { buildApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { createPublisher, publisherOptionsFrom } from "./publish/create-publisher.js";
import { closeGracefully } from "./shutdown.js";

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
