import type { Plugin } from "./plugins.js";
import type { Tracker } from "./tracker.js";

/** Where `debug()` writes; `console` is one. */
export interface Logger {
  log(message: string, data?: unknown): void;
}

/**
 * Logs every event, batch, answer and drop with its reason: `plugins: [debug()]` (the <script> build:
 * `debug: true`). A plugin, so a tracker without it carries neither its code nor any cost. Events are
 * logged as this plugin sees them: list it last to see what the other plugins made of them.
 */
export function debug(logger: Logger = console): Plugin {
  const log = (what: string, data?: unknown) => logger.log(`[shop/tracker] ${what}`, data);
  let tracker: Tracker | undefined;
  return {
    name: "debug",
    setup(created) {
      tracker = created;
    },
    beforeSend(event) {
      // Held events are not lost: they wait in memory for setConsent("granted").
      log(tracker?.consent() === "pending" ? "event, held until consent" : "event", event);
      return event;
    },
    platform(deps) {
      const { transport } = deps;
      const exit = transport.sendOnExit?.bind(transport);
      return {
        ...deps,
        // The core tells what it drops before the transport sees it (plugins, caps, retries).
        drops: (dropped) =>
          typeof dropped === "string" ? log(`drop: ${dropped} returned null`) : log(`drop: ${dropped.code}`, dropped),
        transport: {
          async send(url, payload) {
            log(`batch of ${payload.batch.length}`, payload);
            const result = await transport.send(url, payload);
            log(result.status ? `answer ${result.status}` : "no answer (network), will retry", result);
            return result;
          },
          ...(exit && {
            sendOnExit(url, payload) {
              const accepted = exit(url, payload);
              log(
                `page exit: batch of ${payload.batch.length} ${accepted ? "handed to the browser" : "refused, kept queued"}`,
                payload,
              );
              return accepted;
            },
          }),
        },
      };
    },
  };
}
