import type { WireEvent } from "@shop/event-schema";
import type { ResolvedConfig } from "./config.js";
import { TrackerError, type TrackerErrorCode } from "./errors.js";
import type { EventStore, Lifecycle, Lock, Transport, TransportResult } from "./platform.js";
import { backoffMs, retryable } from "./retry.js";

export interface TrackerStats {
  /** Events waiting to be sent (in this tab's view of the queue). */
  queued: number;
  /** Events the collector accepted, or the platform took on page exit. */
  sent: number;
  /** Events given up: final 4xx, retries exhausted, queue caps, a throwing plugin. */
  dropped: number;
}

export interface QueueDependencies {
  transport: Transport;
  store: EventStore;
  lock?: Lock | undefined;
  lifecycle?: Lifecycle | undefined;
  now: () => number;
  random?: (() => number) | undefined;
  report: (error: TrackerError) => void;
}

export interface Queue {
  add(event: WireEvent): void;
  /** Sends what is queued; resolves when the queue is empty or a send must wait for a retry. */
  flush(): Promise<void>;
  /** Persists and sends only while enabled (consent granted); events added before are held in memory. */
  setEnabled(on: boolean): void;
  /** Forgets every queued event, here and in the store (opt-out). */
  purge(): void;
  /** Counts events dropped before they reached the queue. */
  drop(count: number, code: TrackerErrorCode, cause?: unknown): void;
  stats(): TrackerStats;
  close(): Promise<void>;
}

/**
 * The delivery engine: an in-memory view of the persistent queue, batching by count, bytes and time,
 * retry with backoff, 413 split, page-exit delivery and the caps. A tab that does not lead a shared
 * store only writes to it; the leader (or a tab whose store is its own) sends.
 */
export function createQueue(config: ResolvedConfig, deps: QueueDependencies): Queue {
  const { transport, store, lifecycle, now } = deps;
  let events: WireEvent[] = [];
  /** The first `busy` events are in flight. */
  let busy = 0;
  /** The in-flight batch was taken out of the store at page exit; it goes back if it fails. */
  let detached = false;
  let unwritten: WireEvent[] = [];
  /** Events added while the store is read, so the read does not lose them. */
  let fresh: WireEvent[] | undefined;
  let loaded = false;
  let enabled = false;
  let closed = false;
  let sent = 0;
  let dropped = 0;
  let attempt = 0;
  /** Lowered after a 413 so the halves fit; back to flushAt once a batch goes through. */
  let limit = config.flushAt;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;

  const online = () => lifecycle?.isOnline() ?? true;
  const shared = () => store.shared?.();
  const leads = () => !shared() || (deps.lock?.isLeader() ?? true);
  const ids = (list: WireEvent[]) => list.map((event) => event.messageId);
  /** Serialised sizes, measured once per event rather than at every batch that considers it. */
  const sizes = new WeakMap<WireEvent, number>();
  const size = (event: WireEvent) => {
    let bytes = sizes.get(event);
    if (bytes === undefined) {
      bytes = JSON.stringify(event).length + 1;
      sizes.set(event, bytes);
    }
    return bytes;
  };
  const payload = (batch: WireEvent[]) => ({ batch, sentAt: new Date(now()).toISOString(), writeKey: config.writeKey });
  /** Node: the SDK's timers alone do not keep the process alive. */
  const unref = <T>(timer: T): T => {
    (timer as { unref?: () => void }).unref?.();
    return timer;
  };
  const drop = (count: number, code: TrackerErrorCode, cause?: unknown) => {
    dropped += count;
    deps.report(new TrackerError(code, `${count} dropped`, cause));
  };

  /** Takes events from `from` on: at most `count` of them in a body of at most `maxBytes`. */
  function take(from: number, count: number, maxBytes: number): WireEvent[] {
    const batch: WireEvent[] = [];
    for (let i = from, total = 64; i < events.length && batch.length < count; i++) {
      total += size(events[i] as WireEvent);
      if (batch.length > 0 && total > maxBytes) break;
      batch.push(events[i] as WireEvent);
    }
    return batch;
  }

  /** Removes `count` events at `from` from memory, and from the store when this tab owns the queue. */
  function cut(from: number, count: number, owner: boolean) {
    if (owner) void store.remove(ids(events.slice(from, from + count)));
    events.splice(from, count);
  }

  function write() {
    if (enabled && unwritten.length > 0) void store.put(unwritten);
    unwritten = [];
  }

  /**
   * Applies the caps, oldest first, never to the batch in flight: the count at every add; age and
   * bytes (which cost a pass over the queue) when the store is read.
   */
  function evict(full?: boolean) {
    let count = events.length - config.maxQueueEvents;
    const cutoff = now() - config.maxQueueAgeMs;
    for (let i = events.length, total = 0; full && i-- > Math.max(count, busy); ) {
      const event = events[i] as WireEvent;
      total += size(event);
      if (total > config.maxQueueBytes || Date.parse(event.timestamp as string) < cutoff) {
        count = i + 1;
        break;
      }
    }
    if (count <= 0) return;
    // A follower trims only its own view; the leader's queue is the one that counts.
    const owner = leads();
    cut(busy, count, owner);
    if (owner) drop(count, "queue_full");
  }

  /** Reads the store before the first send (leftovers of earlier visits), then before each send when shared. */
  async function load() {
    if (loaded && !shared()) return;
    // Everything in `events` reaches the store before this read, so the read has it.
    write();
    fresh = [];
    const stored = await store.getAll();
    const added = fresh;
    fresh = undefined;
    if (!enabled) return;
    events = [...stored, ...added];
    loaded = true;
    evict(true);
  }

  /** Sends one batch; returns whether the loop may go on with the next one. */
  async function sendOnce(batch: WireEvent[]): Promise<boolean> {
    busy = batch.length;
    let result: TransportResult;
    try {
      result = await transport.send(config.url, payload(batch));
    } catch {
      result = { status: 0 };
    }
    busy = 0;
    // Purged (opt-out) while in flight: nothing of this batch is left to settle.
    if (events[0] !== batch[0]) return false;
    const { status } = result;
    if (status === 413 && batch.length > 1) {
      // Smaller batches fit; sending halves separately keeps every event.
      limit = Math.ceil(batch.length / 2);
      return true;
    }
    if (retryable(status) && (!online() || attempt < config.maxRetries)) {
      if (detached) void store.put(batch);
      detached = false;
      // Offline failures cost no attempt: the online event resumes sending.
      if (online() && !closed) {
        retryTimer = unref(
          setTimeout(
            () => {
              retryTimer = undefined;
              auto();
            },
            backoffMs(++attempt, result.retryAfterMs, deps.random),
          ),
        );
      }
      return false;
    }
    cut(0, batch.length, true);
    detached = false;
    attempt = 0;
    limit = config.flushAt;
    if (status > 199 && status < 300) sent += batch.length;
    else drop(batch.length, "batch_dropped", status);
    return true;
  }

  function flush(): Promise<void> {
    if (retryTimer || !enabled) return running ?? Promise.resolve();
    // Cleared in a then-callback, which runs after this assignment even when the body returns at once.
    running ??= (async () => {
      if (!leads() || !online()) return;
      await load();
      while (enabled && events.length > 0 && online() && (await sendOnce(take(0, limit, config.maxBatchBytes)))) {}
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  /** Timers and events flush only while the page is visible: a hidden page does no work but its exit. */
  const auto = () => closed || ((lifecycle?.isVisible?.() ?? true) && flush());

  /**
   * The page is going away: hand what is queued to the platform's exit channel, in chunks that fit
   * what it still accepts; what it refuses stays in the store for the next visit. Offline, nothing
   * goes (a beacon would be accepted and lost) and the store keeps everything; so it does while the
   * store is being read, which would bring back what the beacon sent.
   */
  function exit() {
    write();
    if (!enabled || !online() || fresh || !leads()) return;
    if (busy > 0 && !attempt) {
      // The batch in flight outlives the page (keepalive); its retry would not, so the store lets go.
      void store.remove(ids(events.slice(0, busy)));
      detached = true;
    }
    for (let chunk = 65_536; events.length > busy && chunk >= 1024; ) {
      const batch = take(busy, 500, chunk);
      if (transport.sendOnExit?.(config.url, payload(batch))) {
        if (!attempt) sent += batch.length;
        // After a failed send the collector may still refuse, and a beacon's answer is unknowable: the
        // store keeps the events for the next visit (the pipeline dedupes by messageId); this page does
        // not hand them over again at its next hidden event.
        cut(busy, batch.length, !attempt);
      } else chunk /= 2;
    }
  }

  const interval = unref(setInterval(auto, config.flushIntervalMs));
  // Without an exit channel (React Native) the app keeps running a little once in the background.
  lifecycle?.onHidden(() => closed || (transport.sendOnExit ? exit() : flush()));
  lifecycle?.onVisible(auto);
  lifecycle?.onOnline(auto);

  return {
    add(event) {
      events.push(event);
      fresh?.push(event);
      if (enabled && unwritten.push(event) === 1) queueMicrotask(write);
      evict();
      if (events.length >= config.flushAt) auto();
    },
    flush,
    setEnabled(on) {
      enabled = on;
      // The store is read at the first send: leftovers wait for the count or the interval like the rest.
      if (on) unwritten = [...events];
      queueMicrotask(write);
    },
    purge() {
      events = [];
      busy = 0;
      unwritten = [];
      void store.clear();
    },
    drop,
    stats: () => ({ queued: events.length, sent, dropped }),
    async close() {
      closed = true;
      clearInterval(interval);
      clearTimeout(retryTimer);
      retryTimer = undefined;
      await flush();
    },
  };
}
