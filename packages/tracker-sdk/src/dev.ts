/**
 * The development build, "@shop/tracker/dev": the browser entry, plus a check of every event against
 * the event contract before it is queued. An event the collector would refuse (a missing required
 * property, a wrong type, a card number...) is reported with `console.warn` at the call that made it,
 * instead of as a rejection count on the collector. The event is still sent, as in production.
 *
 * The check is the collector's own validator (`createEventValidator` from @shop/event-schema,
 * compiled from the contract's schemas), bundled into this entry at build time: it is large, so only
 * this entry carries it and the default browser build never does (test/dev.test.ts proves it).
 */
import { createEventValidator, type EventValidator } from "@shop/event-schema/validate";
import type { Plugin } from "./core/plugins.js";
import type { Tracker, TrackerDependencies } from "./core/tracker.js";
import { type BrowserTrackerOptions, createTracker as createBrowserTracker } from "./platform/browser/index.js";

export * from "./browser.js";

let validator: EventValidator | undefined;

/**
 * The contract check as a plugin, for trackers built from the parts. Runs last in `createTracker`
 * below, so it sees the event as the other plugins left it, i.e. as it will be sent.
 */
export function contractCheck(
  // console read at each warning, not once: devtools and test runners replace console.warn later.
  warn: (message: string, event: unknown) => void = (message, event) => console.warn(message, event),
): Plugin {
  return {
    name: "contract-check",
    beforeSend(event) {
      // Compiled on first use: creating a tracker stays cheap for pages that send nothing.
      validator ??= createEventValidator();
      // As the collector will read it: JSON drops undefined values (an absent userId, say).
      const result = validator(JSON.parse(JSON.stringify(event)));
      if (!result.ok) {
        const { code, message } = result.rejection;
        const name = event.type === "track" ? `track("${event.event}")` : `${event.type}()`;
        warn(`@shop/tracker: the collector will reject this ${name} event (${code}): ${message}`, event);
      }
      return event;
    },
  };
}

/** The browser `createTracker`, checking every event against the contract (see above). */
export function createTracker(options: BrowserTrackerOptions, deps?: Partial<TrackerDependencies>): Tracker {
  return createBrowserTracker({ ...options, plugins: [...(options.plugins ?? []), contractCheck()] }, deps);
}
