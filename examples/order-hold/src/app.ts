import type { OrderHoldConfig } from "./config.js";
import { createAlertParser } from "./core/alert.js";
import { retryDelay } from "./core/backoff.js";
import { createRecordHandler } from "./core/handle-record.js";
import { DeadLetterFile } from "./io/dead-letter-file.js";
import { HandledAlertLog } from "./io/handled-alert-log.js";
import { type LocalShop, startLocalShop } from "./io/local-shop.js";
import { createWebhookClient } from "./io/webhook-client.js";
import { type ConsumerOptions, type ConsumerSummary, runConsumer } from "./kafka/consumer.js";
import type { Logger } from "./logger.js";

export interface OrderHoldDependencies {
  readonly logger: Logger;
  /** Where the built-in local shop prints its one line per request. */
  readonly print: (line: string) => void;
  /** Aborting stops the consumer cleanly. */
  readonly signal?: AbortSignal;
  readonly onRecord?: ConsumerOptions["onRecord"];
  /** Called once holds have somewhere to go (the configured URL, or the local shop's). */
  readonly onReady?: (webhookUrl: string) => void;
}

/**
 * Runs the order-hold consumer until `signal` aborts: opens the state directory, starts the built-in
 * local shop when no webhook URL is configured, consumes, and closes everything it opened.
 */
export async function runOrderHold(config: OrderHoldConfig, deps: OrderHoldDependencies): Promise<ConsumerSummary> {
  const { logger } = deps;
  const handled = await HandledAlertLog.open(config.stateDir, config.dedupCapacity);
  let deadLetters: DeadLetterFile | undefined;
  let shop: LocalShop | undefined;
  try {
    deadLetters = await DeadLetterFile.open(config.stateDir);
    let url = config.webhookUrl;
    if (url === undefined) {
      shop = await startLocalShop({ port: config.localWebhookPort, secret: config.webhookSecret, print: deps.print });
      url = shop.url;
      logger.info("ORDER_HOLD_WEBHOOK_URL is not set: sending holds to the built-in local shop", { url });
    }
    const handle = createRecordHandler({
      parse: createAlertParser(),
      policy: { minScore: config.minScore },
      handled,
      webhook: createWebhookClient({ url, secret: config.webhookSecret, timeoutMs: config.webhookTimeoutMs }),
      deadLetters,
      retryDelay: (attempt, retryAfterMs) => retryDelay(attempt, config.retry, retryAfterMs),
      logger,
      now: () => new Date(),
    });
    logger.info("order-hold consumer starting", {
      ...config.kafka,
      webhookUrl: url,
      signed: config.webhookSecret !== undefined,
      minScore: config.minScore,
      stateDir: config.stateDir,
      handledAlertIds: handled.size,
    });
    deps.onReady?.(url);
    return await runConsumer({
      ...config.kafka,
      handle,
      logger,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.onRecord ? { onRecord: deps.onRecord } : {}),
    });
  } finally {
    await shop?.close();
    await deadLetters?.close();
    await handled.close();
  }
}
