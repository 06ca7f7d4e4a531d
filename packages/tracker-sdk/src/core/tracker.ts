import type { EcommerceEventName, EcommerceProperties, WireEvent } from "@shop/event-schema";
import { type Consent, resolveConfig, type TrackerOptions } from "./config.js";
import { createIdentity, type Identity } from "./identity.js";
import { uuidv7 } from "./ids.js";
import { createMemoryStore } from "./memory.js";
import type { EventStore, KeyValueStore, Lifecycle, Lock, PlatformContext, Transport } from "./platform.js";
import { createQueue, type TrackerStats } from "./queue.js";

type Properties = Record<string, unknown>;

export interface Tracker {
  /**
   * E-commerce spec events get their spec properties type-checked (other keys are welcome, as the
   * contract is open); any other name takes free-form properties.
   */
  track<Name extends string>(
    event: Name,
    properties?: Name extends EcommerceEventName ? EcommerceProperties[Name] & Properties : Properties,
  ): string;
  page(name?: string, properties?: Properties): string;
  screen(name: string, properties?: Properties): string;
  identify(userId: string, traits?: Properties): string;
  group(groupId: string, traits?: Properties): string;
  /** Links `userId` to the current user (or `previousId`); later events carry `userId`. */
  alias(userId: string, previousId?: string): string;
  /** Forgets the user: new anonymous id and session (call on logout). */
  reset(): void;
  /** Sends everything queued now; resolves when the queue is empty or a send must wait for a retry. */
  flush(): Promise<void>;
  /** Records the visitor's decision. "denied" purges the queue and the stored ids. */
  setConsent(consent: Consent): void;
  consent(): Consent;
  anonymousId(): string;
  stats(): TrackerStats;
  /** Flushes and stops the timers. */
  close(): Promise<void>;
}

export interface TrackerDependencies {
  transport: Transport;
  /** Where queued events survive reloads. @default in memory */
  store?: EventStore;
  /** Where ids, the session and the consent decision are kept. @default in memory */
  kv?: KeyValueStore;
  lifecycle?: Lifecycle;
  lock?: Lock;
  /** Context the platform knows (page, locale, user agent...), read at each event. */
  platformContext?: PlatformContext;
  /** Whether the visitor sends Global Privacy Control or Do-Not-Track. */
  privacySignal?: () => boolean;
  now?: () => number;
  random?: () => number;
}

/**
 * The platform-free core: builds Segment events, runs the plugins and hands the events to the queue.
 * Never throws into the host app: a failing send is retried or counted, a failing plugin reported.
 */
export function createTracker(options: TrackerOptions, deps: TrackerDependencies): Tracker {
  const config = resolveConfig(options);
  const now = deps.now ?? Date.now;
  const kv: KeyValueStore = deps.kv ?? new Map();
  const consentKey = `${config.storagePrefix}.consent`;
  const queue = createQueue(config, {
    ...deps,
    store: deps.store ?? createMemoryStore(),
    now,
    report(error) {
      try {
        config.onError?.(error);
      } catch {
        // The app's error handler failing is not the app's page failing.
      }
    },
  });
  let identity: Identity;
  let consent: Consent;
  /** Calls made before an asynchronous key/value store is loaded, replayed in order. */
  let early: Array<() => void> | undefined = [];
  const later = (call: () => void) => void (early ? early.push(call) : call());

  function apply(next: Consent) {
    consent = next;
    identity.persist(next === "granted", next === "denied");
    if (next === "denied") {
      identity.reset(now());
      queue.purge();
    }
    queue.setEnabled(next === "granted");
  }

  function start() {
    identity = createIdentity(kv, config.storagePrefix, config.sessionTimeoutMs, now());
    // Only setConsent writes the key, and only "granted" or "denied".
    apply(
      (kv.get(consentKey) as Consent) ||
        (config.respectPrivacySignals && deps.privacySignal?.() ? "denied" : config.consent),
    );
    const calls = early ?? [];
    early = undefined;
    for (const call of calls) call();
  }

  /** Builds the event now (or once the stores are loaded) and returns its messageId at once. */
  function enqueue(partial: () => Properties): string {
    const at = now();
    const messageId = uuidv7(at);
    later(() => {
      if (consent === "denied") return;
      const { a, u } = identity.ids();
      let event = {
        ...partial(),
        messageId,
        anonymousId: a,
        userId: u,
        timestamp: new Date(at).toISOString(),
        context: { ...deps.platformContext?.(), library: config.library, session: identity.touch(at) },
      } as WireEvent;
      for (const plugin of config.plugins) {
        try {
          const result = plugin.beforeSend?.(event);
          if (result === null) return;
          event = result ?? event;
        } catch (cause) {
          // A throwing plugin drops the event: a failing scrubber must not let unscrubbed data out.
          return queue.drop(1, "plugin_failed", cause);
        }
      }
      queue.add(event);
    });
    return messageId;
  }

  if (kv.ready) kv.ready.then(start, start);
  else start();

  const tracker = {
    track: (event: string, properties?: Properties) => enqueue(() => ({ type: "track", event, properties })),
    page: (name?: string, properties?: Properties) => enqueue(() => ({ type: "page", name, properties })),
    screen: (name: string, properties?: Properties) => enqueue(() => ({ type: "screen", name, properties })),
    group: (groupId: string, traits?: Properties) => enqueue(() => ({ type: "group", groupId, traits })),
    identify(userId: string, traits?: Properties) {
      later(() => identity.setUserId(userId));
      return enqueue(() => ({ type: "identify", traits }));
    },
    alias(userId: string, previousId?: string) {
      later(() => {
        const { a, u } = identity.ids();
        previousId ??= u ?? a;
        identity.setUserId(userId);
      });
      return enqueue(() => ({ type: "alias", previousId }));
    },
    reset: () => later(() => identity.reset(now())),
    flush: () => queue.flush(),
    setConsent(next: Consent) {
      later(() => {
        if (next === "pending") kv.delete(consentKey);
        else kv.set(consentKey, next);
        apply(next);
      });
    },
    consent: () => consent,
    anonymousId: () => identity?.ids().a,
    stats: queue.stats,
    close: queue.close,
  } as Tracker;
  for (const plugin of config.plugins) {
    try {
      plugin.setup?.(tracker);
    } catch (cause) {
      queue.drop(0, "plugin_failed", cause);
    }
  }
  return tracker;
}
