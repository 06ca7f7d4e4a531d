import type { EcommerceEventName, EcommerceProperties, EventContext, WireEvent } from "@shop/event-schema";
import { type ResolvedConfig, resolveConfig, type TrackerOptions } from "./config.js";
import { uuidv7 } from "./ids.js";
import { backoffMs, decide } from "./retry.js";
import type { Transport } from "./types.js";

type Properties = Record<string, unknown>;

export interface TrackerStats {
  queued: number;
  sent: number;
  dropped: number;
}

export interface Tracker {
  /** E-commerce spec events get their properties type-checked; any other name takes free-form properties. */
  track<Name extends EcommerceEventName>(event: Name, properties?: EcommerceProperties[Name]): string;
  track(event: string, properties?: Properties): string;
  page(name?: string, properties?: Properties): string;
  screen(name: string, properties?: Properties): string;
  identify(userId: string, traits?: Properties): string;
  group(groupId: string, traits?: Properties): string;
  alias(userId: string, previousId?: string): string;
  /** Forgets the user: new anonymous id and session (call on logout). */
  reset(): void;
  /** Sends everything queued now; resolves when the queue is empty or a send must wait for a retry. */
  flush(): Promise<void>;
  stats(): TrackerStats;
  /** Flushes and stops the timers. */
  close(): Promise<void>;
}

export interface TrackerDependencies {
  transport: Transport;
  /** Context the platform knows (page, locale, user agent...), read at each event. */
  platformContext?: () => EventContext;
  now?: () => number;
  random?: () => number;
}

const SESSION_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * The platform-free core: builds Segment events, queues them, and delivers them in batches with
 * retry. Never throws into the host app: a failing send is retried or counted, not raised.
 */
export function createTracker(options: TrackerOptions, deps: TrackerDependencies): Tracker {
  const config: ResolvedConfig = resolveConfig(options);
  const now = deps.now ?? Date.now;
  const queue: WireEvent[] = [];
  const counters = { sent: 0, dropped: 0 };
  let anonymousId = uuidv7(now());
  let userId: string | undefined;
  let session = { id: uuidv7(now()), seq: 0, lastEventAt: now() };
  let attempt = 0;
  /** Lowered after a 413 so the halves fit; back to flushAt once a batch goes through. */
  let batchLimit = config.flushAt;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> | undefined;

  const intervalTimer = setInterval(() => void flush(), config.flushIntervalMs);
  (intervalTimer as { unref?: () => void }).unref?.();

  function sessionContext() {
    const at = now();
    const start = at - session.lastEventAt > SESSION_TIMEOUT_MS || session.seq === 0;
    if (at - session.lastEventAt > SESSION_TIMEOUT_MS) session = { id: uuidv7(at), seq: 0, lastEventAt: at };
    session.lastEventAt = at;
    return { id: session.id, seq: session.seq++, ...(start ? { start: true } : {}) };
  }

  function enqueue(partial: Record<string, unknown>): string {
    const messageId = uuidv7(now());
    const event = {
      ...partial,
      messageId,
      anonymousId,
      ...(userId ? { userId } : {}),
      timestamp: new Date(now()).toISOString(),
      context: { ...deps.platformContext?.(), library: config.library, session: sessionContext() },
    } as WireEvent;
    queue.push(event);
    if (queue.length >= config.flushAt) void flush();
    return messageId;
  }

  /** Takes the next batch: up to flushAt events whose body stays under maxBatchBytes. */
  function nextBatch(): WireEvent[] {
    const batch: WireEvent[] = [];
    let bytes = 64;
    for (const event of queue) {
      const size = JSON.stringify(event).length + 1;
      if (batch.length > 0 && (batch.length >= batchLimit || bytes + size > config.maxBatchBytes)) break;
      batch.push(event);
      bytes += size;
    }
    return batch;
  }

  async function sendOnce(batch: WireEvent[]): Promise<"continue" | "wait"> {
    let result: { status: number; retryAfterMs?: number };
    try {
      result = await deps.transport.send(`${config.host}/v1/batch`, {
        batch,
        sentAt: new Date(now()).toISOString(),
        writeKey: config.writeKey,
      });
    } catch {
      result = { status: 0 };
    }
    const decision = decide(result.status);
    if (decision === "split" && batch.length > 1) {
      // Smaller batches fit; sending halves separately keeps every event.
      batchLimit = Math.max(1, Math.floor(batch.length / 2));
      return "continue";
    }
    if (decision === "retry" && attempt < config.maxRetries) {
      attempt += 1;
      retryTimer = setTimeout(
        () => {
          retryTimer = undefined;
          void flush();
        },
        backoffMs(attempt, result.retryAfterMs, deps.random),
      );
      (retryTimer as { unref?: () => void }).unref?.();
      return "wait";
    }
    queue.splice(0, batch.length);
    attempt = 0;
    batchLimit = config.flushAt;
    if (decision === "done") counters.sent += batch.length;
    else counters.dropped += batch.length;
    return "continue";
  }

  function flush(): Promise<void> {
    if (retryTimer) return inFlight ?? Promise.resolve();
    inFlight ??= (async () => {
      try {
        while (queue.length > 0) {
          if ((await sendOnce(nextBatch())) === "wait") break;
        }
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  }

  return {
    track: (event: string, properties?: Properties) =>
      enqueue({ type: "track", event, ...(properties ? { properties } : {}) }),
    page: (name?: string, properties?: Properties) =>
      enqueue({ type: "page", ...(name ? { name } : {}), ...(properties ? { properties } : {}) }),
    screen: (name: string, properties?: Properties) =>
      enqueue({ type: "screen", name, ...(properties ? { properties } : {}) }),
    identify(id: string, traits?: Properties) {
      userId = id;
      return enqueue({ type: "identify", ...(traits ? { traits } : {}) });
    },
    group: (groupId: string, traits?: Properties) => enqueue({ type: "group", groupId, ...(traits ? { traits } : {}) }),
    alias(id: string, previousId?: string) {
      const previous = previousId ?? userId ?? anonymousId;
      userId = id;
      return enqueue({ type: "alias", previousId: previous });
    },
    reset() {
      userId = undefined;
      anonymousId = uuidv7(now());
      session = { id: uuidv7(now()), seq: 0, lastEventAt: now() };
    },
    flush,
    stats: () => ({ queued: queue.length, ...counters }),
    async close() {
      clearInterval(intervalTimer);
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      await flush();
    },
  } as Tracker;
}
