import type { WireEvent } from "@shop/event-schema";
import type { ResolvedConfig } from "./config.js";
import { TrackerError, type TrackerErrorCode } from "./errors.js";
import type { CollectorRejection, EventStore, Lifecycle, Lock, Transport, TransportResult } from "./platform.js";
import { backoffMs, retryable } from "./retry.js";

/**
 * How late an event may reach the store, and how often the leader reads what other tabs wrote. A
 * batch sent within it never touches the store; a crash without page exit (which writes at once) can
 * lose at most this much of the unsent queue.
 */
const WRITE_BEHIND_MS = 1000;

export interface TrackerStats {
  /** Events waiting to be sent (in this tab's view of the queue). */
  queued: number;
  /** Events the collector accepted, or the platform took on page exit. */
  sent: number;
  /** Events given up: final 4xx, retries exhausted, queue caps, a throwing plugin. */
  dropped: number;
  /** Events the collector refused for good (dead-lettered, reasons through `onError`): not counted as sent. */
  rejected: number;
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
  /**
   * Events not in the store yet. Written behind, at most WRITE_BEHIND_MS late (or at page exit), so a
   * batch sent before then costs the store nothing: no write, no removal.
   */
  let unwritten = new Set<WireEvent>();
  /** Events added while the store is read, so the read does not lose them. */
  let fresh: WireEvent[] | undefined;
  let loaded = false;
  let enabled = false;
  let closed = false;
  let sent = 0;
  let dropped = 0;
  let rejected = 0;
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
  /** Counts events given up; rejected ones (the collector's reasons in hand) were counted as sent. */
  const drop = (count: number, code: TrackerErrorCode, cause?: unknown, refused?: CollectorRejection[]) => {
    if (refused) {
      sent -= count;
      rejected += count;
    } else dropped += count;
    deps.report(new TrackerError(code, `${code}, events: ${count}`, cause, refused));
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

  /**
   * Takes `list` out of the store when this tab owns the queue (events not written yet never will be);
   * otherwise they still reach the store, for the owner to settle.
   */
  function forget(list: WireEvent[], owner: boolean) {
    const stored = list.filter((event) => owner && !unwritten.delete(event));
    if (stored[0]) void store.remove(ids(stored));
  }

  /** Removes `count` events at `from` from memory, and from the store when this tab owns the queue. */
  const cut = (from: number, count: number, owner: boolean) => forget(events.splice(from, count), owner);

  function write() {
    if (enabled && unwritten.size > 0) void store.put([...unwritten]);
    unwritten.clear();
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

  /**
   * Reads the store before the first send (leftovers of earlier visits), then once per flush interval
   * for what other tabs wrote (they write within WRITE_BEHIND_MS), not before every send.
   */
  async function load() {
    if (loaded) return;
    // Events not written yet are not in the read: kept beside it, and still unwritten, so a send that
    // follows the read (the flushAt-th event's) does not touch the store, and a page exit during it has
    // nothing to take back out of it (a removal made as the tab closes may not outlive the tab).
    const kept = [...unwritten];
    fresh = [];
    const stored = await store.getAll();
    const added = fresh;
    fresh = undefined;
    // A page exit during the read handed over events the read still has: this view is the true one.
    if (!enabled || !added) return;
    events = [...stored, ...kept, ...added];
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
    const refused = result.rejected;
    if ((status > 199 && status < 300) || refused) {
      sent += batch.length;
      if (refused?.[0]) drop(refused.length, "events_rejected", status, refused);
    } else drop(batch.length, "batch_dropped", status);
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
   * goes (a beacon would be accepted and lost) and the store keeps everything. A read of the store
   * under way is not waited for (the page may not live to see it) and its result is set aside.
   */
  function exit() {
    // Leadership may move while hidden: the next send as leader reads the store first.
    loaded = false;
    fresh = undefined;
    if (!enabled || !online() || !leads()) return write();
    if (busy > 0 && !attempt) {
      // The batch in flight outlives the page (keepalive); its retry would not, so the store lets go.
      forget(events.slice(0, busy), true);
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
    // After the hand-over, so the store does not delay it; what was handed over is not written at all.
    write();
  }

  const interval = unref(
    setInterval(() => {
      loaded = false;
      auto();
    }, config.flushIntervalMs),
  );
  // Without an exit channel (React Native) the app keeps running a little once in the background.
  lifecycle?.onHidden(() => closed || (transport.sendOnExit ? exit() : flush()));
  lifecycle?.onVisible(auto);
  lifecycle?.onOnline(auto);

  return {
    add(event) {
      events.push(event);
      fresh?.push(event);
      if (enabled && unwritten.add(event).size === 1) unref(setTimeout(write, WRITE_BEHIND_MS));
      evict();
      if (events.length >= config.flushAt) auto();
    },
    flush,
    setEnabled(on) {
      enabled = on;
      // The store is read at the first send: leftovers wait for the count or the interval like the rest.
      if (on) unwritten = new Set(events);
      queueMicrotask(write);
    },
    purge() {
      events = [];
      busy = 0;
      unwritten.clear();
      void store.clear();
    },
    drop,
    stats: () => ({ queued: events.length, sent, dropped, rejected }),
    async close() {
      closed = true;
      clearInterval(interval);
      clearTimeout(retryTimer);
      retryTimer = undefined;
      await flush();
    },
  };
}
