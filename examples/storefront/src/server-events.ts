import type { Plugin } from "@shop/tracker/node";
import { createTracker } from "@shop/tracker/node";

/** Who the backend is sending for: the browser's ids and the address it connected from. */
export interface Shopper {
  readonly anonymousId: string;
  readonly userId?: string;
  readonly ip?: string;
}

/**
 * Sends the backend's events (payments, orders) for one shopper and waits until the collector has them.
 * A tracker per request: the Node build keeps one visitor's ids, and here each request is another shopper.
 */
export async function sendForShopper(
  settings: { host: string; writeKey: string },
  shopper: Shopper,
  send: (track: (event: string, properties: Record<string, unknown>) => string) => void,
): Promise<{ sent: number; failed: number }> {
  const onBehalf: Plugin = {
    name: "on-behalf-of-shopper",
    beforeSend(event) {
      // The server has no browser session: Spark sessionizes by time, and the browser's session is the shopper's.
      const { session: _server, ...context } = event.context ?? {};
      return {
        ...event,
        ...(shopper.userId ? { userId: shopper.userId } : {}),
        context: { ...context, ...(shopper.ip ? { ip: shopper.ip } : {}) },
      };
    },
  };
  const tracker = createTracker({
    host: settings.host,
    writeKey: settings.writeKey,
    anonymousId: shopper.anonymousId,
    maxRetries: 3,
    plugins: [onBehalf],
  });
  send((event, properties) => tracker.track(event, properties));
  await tracker.close();
  const stats = tracker.stats();
  return { sent: stats.sent, failed: stats.dropped + stats.rejected + stats.queued };
}
