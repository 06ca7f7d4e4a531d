import type { EcommerceEventName, EcommerceProperties, WireEvent } from "@shop/event-schema";
import { type Consent, checkConsent, resolveConfig, type TrackerOptions } from "./config.js";
import type { TrackerError } from "./errors.js";
import { createIdentity, type Identity, type Ids } from "./identity.js";
import { uuidv7 } from "./ids.js";
import { createMemoryStore } from "./memory.js";
import type { EventStore, KeyValueStore, Lifecycle, Lock, PlatformContext, Transport } from "./platform.js";
import { createQueue, type TrackerStats } from "./queue.js";

type Properties = Record<string, unknown>;

/** The third argument of the calls, as in Segment's API. */
export interface CallOptions {
  /** When it happened (a Date, an ISO 8601 string or epoch ms), for events recorded earlier. @default now */
  timestamp?: Date | string | number;
  /** Merged over the context the SDK collects, key by key (`library` and `session` stay the SDK's). */
  context?: Properties;
  /** The event's id, e.g. to make a retried call idempotent. @default a new UUIDv7 */
  messageId?: string;
}

/** The visitor as the tracker knows them: Segment's `analytics.user()`. */
export interface User {
  id(): string | undefined;
  anonymousId(): string;
  /** A copy of the traits identify collected (merged, persisted with the ids). */
  traits(): Properties;
}

/**
 * The core set: events, batching, delivery, sessions and consent. Every platform's `createTracker`
 * gives a {@link Tracker}, which adds the rest of Segment's calls; `createBaseTracker` alone is for
 * pages that only track (a landing page, a checkout widget) and want none of the rest's bytes.
 */
export interface BaseTracker {
  /**
   * E-commerce spec events get their spec properties type-checked (other keys are welcome, as the
   * contract is open); any other name takes free-form properties.
   */
  track<Name extends string>(
    event: Name,
    properties?: Name extends EcommerceEventName ? EcommerceProperties[Name] & Properties : Properties,
    options?: CallOptions,
  ): string;
  page(name?: string, properties?: Properties, options?: CallOptions): string;
  /** The current session's id, as events carry it in context.session.id; undefined before the first event or after the timeout. */
  sessionId(): string | undefined;
  /** Sends everything queued now; resolves when the queue is empty or a send must wait for a retry. */
  flush(): Promise<void>;
  /**
   * Records the visitor's decision. "denied" purges the queue and the stored ids. Any other value
   * throws a TrackerError "invalid_consent" (a typo must not hold the events silently).
   */
  setConsent(consent: Consent): void;
  consent(): Consent;
  anonymousId(): string;
  stats(): TrackerStats;
  /** Flushes and stops the timers. */
  close(): Promise<void>;
}

/** The whole API, as in Segment's analytics.js: the core set plus identity, groups and screens. */
export interface Tracker extends BaseTracker {
  screen(name: string, properties?: Properties, options?: CallOptions): string;
  /**
   * Sets the user (later events carry `userId`) and merges `traits` into the stored ones; the event
   * carries them all. Without a user id (`identify(traits)`) the current user keeps them; another
   * user id starts from no traits, as analytics.js does.
   */
  identify(userId: string, traits?: Properties, options?: CallOptions): string;
  identify(traits: Properties, options?: CallOptions): string;
  group(groupId: string, traits?: Properties, options?: CallOptions): string;
  /** Links `userId` to the current user (or `previousId`); later events carry `userId`. */
  alias(userId: string, previousId?: string, options?: CallOptions): string;
  /** Forgets the user: new anonymous id and session, no user id or traits, cookie rewritten (call on logout). */
  reset(): void;
  /** Replaces the anonymous id (e.g. with the one your server uses); stored like the generated one. */
  setAnonymousId(anonymousId: string): void;
  user(): User;
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
  /**
   * Told about every event the core drops: the TrackerError it reports, or the name of the plugin
   * that returned null. The debug plugin sets it; off, it costs nothing.
   */
  drops?: (dropped: TrackerError | string) => void;
  now?: () => number;
  random?: () => number;
}

/**
 * Builds the event now (or once the stores are loaded) and returns its messageId at once; the
 * partial event is made when the ids are known.
 */
type Enqueue = (partial: () => Properties, options?: CallOptions) => string;

/**
 * The calls beyond the core set, made from the core's machinery: `enqueue`, `later` (runs a call now
 * or once the stores are loaded, in call order), the ids (inside `later` and `enqueue` callbacks) and
 * the clock. Positional, because every byte of this seam is paid in the browser bundle.
 */
type Extension = (
  enqueue: Enqueue,
  later: (call: () => void) => void,
  identity: () => Identity,
  now: () => number,
) => Omit<Tracker, keyof BaseTracker>;

/** The core set alone ({@link BaseTracker}): what the 4 KB budget measures. */
export const createBaseTracker = (options: TrackerOptions, deps: TrackerDependencies): BaseTracker =>
  build(options, deps);

/** The whole API: the core set plus Segment's identity, group and screen calls. */
export const createTracker = (options: TrackerOptions, deps: TrackerDependencies): Tracker =>
  build(options, deps, segmentCalls) as Tracker;

/**
 * The platform-free core: builds Segment events, runs the plugins and hands the events to the queue.
 * Never throws into the host app: a failing send is retried or counted, a failing plugin reported.
 */
function build(options: TrackerOptions, deps: TrackerDependencies, extend?: Extension): BaseTracker {
  const config = resolveConfig(options);
  // Configuration is checked once, here: an invalid consent value throws at createTracker.
  checkConsent(config.consent);
  // Plugins that work below the API (an identity cookie, debug logging) adjust the platform first.
  for (const plugin of config.plugins) deps = plugin.platform?.(deps) ?? deps;
  const now = deps.now ?? Date.now;
  const kv: KeyValueStore = deps.kv ?? new Map();
  const consentKey = `${config.storagePrefix}.consent`;
  const drops = deps.drops;
  const queue = createQueue(config, {
    ...deps,
    store: deps.store ?? createMemoryStore(),
    now,
    report(error) {
      drops?.(error);
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
    identity.persist(next === "granted");
    if (next === "denied") {
      identity.reset(now());
      queue.purge();
    }
    queue.setEnabled(next === "granted");
  }

  function start() {
    identity = createIdentity(kv, config.storagePrefix, config.sessionTimeoutMs, now(), config.anonymousId);
    // Only setConsent writes the key, and only "granted" or "denied": the visitor's own decision
    // outranks the starting value (which the browser sets to "denied" for a privacy signal).
    apply((kv.get(consentKey) as Consent) || config.consent);
    const calls = early ?? [];
    early = undefined;
    for (const call of calls) call();
  }

  function enqueue(partial: () => Properties, options: CallOptions = {}): string {
    const at = now();
    const messageId = options.messageId ?? uuidv7(at);
    later(() => {
      if (consent === "denied") return;
      const { a, u } = identity.ids();
      let event = {
        ...partial(),
        messageId,
        anonymousId: a,
        userId: u,
        // An unreadable timestamp is the call's time rather than an exception in the page.
        timestamp: new Date(+new Date(options.timestamp ?? at) || at).toISOString(),
        context: {
          ...deps.platformContext?.(),
          ...options.context,
          library: config.library,
          session: identity.touch(at),
        },
      } as WireEvent;
      for (const plugin of config.plugins) {
        try {
          const result = plugin.beforeSend?.(event);
          if (result === null) return drops?.(plugin.name);
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
    track: (event: string, properties?: Properties, options?: CallOptions) =>
      enqueue(() => ({ type: "track", event, properties }), options),
    page: (name?: string, properties?: Properties, options?: CallOptions) =>
      enqueue(() => ({ type: "page", name, properties }), options),
    sessionId: () => identity?.sessionId(now()),
    flush: () => queue.flush(),
    setConsent(next: Consent) {
      checkConsent(next);
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
    ...extend?.(enqueue, later, () => identity, now),
  } as BaseTracker;
  for (const plugin of config.plugins) {
    try {
      plugin.setup?.(tracker as Tracker);
    } catch (cause) {
      queue.drop(0, "plugin_failed", cause);
    }
  }
  return tracker;
}

/**
 * The calls Segment's API has beyond the core set: screen, group, identify (traits kept with the
 * ids), alias, reset, setAnonymousId and user(). Referenced only by createTracker, so a bundle of
 * createBaseTracker carries none of it.
 */
const segmentCalls: Extension = (enqueue, later, identity, now) => {
  // Before the stores are loaded (an asynchronous store) there are no ids yet.
  const ids = (): Partial<Ids> => identity()?.ids() ?? {};
  return {
    screen: (name: string, properties?: Properties, options?: CallOptions) =>
      enqueue(() => ({ type: "screen", name, properties }), options),
    group: (groupId: string, traits?: Properties, options?: CallOptions) =>
      enqueue(() => ({ type: "group", groupId, traits }), options),
    identify(userId?: string | Properties | null, traits?: Properties, options?: CallOptions) {
      if (userId && typeof userId === "object") {
        // identify(traits, options)
        options = traits as CallOptions | undefined;
        traits = userId;
        userId = undefined;
      }
      later(() => {
        const { u, t } = ids();
        // Traits belong to a user: another user id starts afresh; anonymous traits carry over to the
        // first user id (analytics.js does the same).
        identity().set({ u: userId || u, t: { ...(u && userId && userId !== u ? {} : t), ...traits } });
      });
      return enqueue(() => ({ type: "identify", traits: ids().t }), options);
    },
    alias(userId: string, previousId?: string, options?: CallOptions) {
      later(() => {
        const { a, u } = ids();
        previousId ??= u ?? a;
        identity().set({ u: userId });
      });
      return enqueue(() => ({ type: "alias", previousId }), options);
    },
    reset: () => later(() => identity().reset(now())),
    setAnonymousId: (a: string) => later(() => identity().set({ a })),
    user: () => ({
      id: () => ids().u,
      anonymousId: () => ids().a as string,
      traits: () => ({ ...ids().t }),
    }),
  };
};
