/**
 * Child process (node --expose-gc): heap held by 100k events queued while offline, for ours, next
 * to the floor of holding the same events as plain objects. Prints one JSON line.
 */
import { createTracker } from "@shop/tracker";
import { EVENT_NAME } from "./adapter.js";
import { type MemoryCase, memoryCases } from "./memory-cases.js";

export interface MemoryRow {
  transport: string;
  caps: string;
  tracked: number;
  queued: number;
  heapBytes: number;
  bytesPerQueuedEvent: number;
  seconds: number;
}

export interface MemoryFloor {
  events: number;
  heapBytes: number;
  bytesPerEvent: number;
  jsonBytesPerEvent: number;
}

const EVENTS = Number(process.env.BENCH_MEMORY_EVENTS ?? 100_000);
const HOST = "https://collect.shop.example";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");
const runGc = gc;

/** Heap after a full collection; two passes so weak and finalizable garbage is gone too. */
function settledHeap(): number {
  runGc();
  runGc();
  return process.memoryUsage().heapUsed;
}

const props = (i: number) => ({ product_id: `p-${i % 500}`, sku: "SKU-1", price: 19.99, currency: "EUR", quantity: 1 });

type SendResult = Promise<{ status: number }>;

/** The transports a page meets while offline: a request that never settles, and one that fails at once. */
const neverResolves = () => new Promise<{ status: number }>(() => {});
const statusZero = () => Promise.resolve({ status: 0 });

/**
 * Raises the queue caps (if the SDK has these options) so all events stay queued: the default caps
 * keep fewer, which is the point of caps but not what this figure is about. Untyped on purpose: an
 * SDK without these options ignores them and the bench still compiles.
 */
const raisedCaps: Record<string, number> = { maxQueueEvents: EVENTS, maxQueueBytes: 500_000_000 };

async function queuedHeap(
  name: string,
  send: () => SendResult,
  caps: Record<string, number> | undefined,
): Promise<MemoryRow> {
  const before = settledHeap();
  const started = performance.now();
  const options = { host: HOST, writeKey: "wk_bench", ...caps };
  const tracker = createTracker(options, { transport: { send } });
  for (let i = 0; i < EVENTS; i++) {
    tracker.track(EVENT_NAME, props(i));
    // Lets retry timers and promise callbacks run as they would between user actions.
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  const seconds = (performance.now() - started) / 1000;
  const heapBytes = settledHeap() - before;
  const queued = tracker.stats().queued;
  // Not awaited: with a transport that never settles, close() would wait forever.
  void tracker.close();
  return {
    transport: name,
    caps: caps ? "raised to hold all" : "defaults",
    tracked: EVENTS,
    queued,
    heapBytes,
    bytesPerQueuedEvent: heapBytes / queued,
    seconds,
  };
}

/** One real event from our tracker, to size the floor with the same shape. */
async function sampleEvent(): Promise<Record<string, unknown> | undefined> {
  let captured: Record<string, unknown> | undefined;
  const tracker = createTracker(
    { host: HOST, writeKey: "wk_bench", flushAt: 1 },
    {
      transport: {
        send: async (_url: string, payload: unknown) => {
          const body = (typeof payload === "string" ? JSON.parse(payload) : payload) as { batch?: unknown[] };
          captured ??= body.batch?.[0] as Record<string, unknown> | undefined;
          return { status: 200 };
        },
      },
    },
  );
  tracker.track(EVENT_NAME, props(0));
  await tracker.flush();
  await tracker.close();
  return captured;
}

/** The least any queue can hold: the same events as parsed objects with their own ids. */
function floorHeap(event: Record<string, unknown>): MemoryFloor {
  const json = JSON.stringify(event);
  const messageId = String(event.messageId);
  const before = settledHeap();
  const held: unknown[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const copy = JSON.parse(json) as Record<string, unknown>;
    copy.messageId = `${messageId.slice(0, 24)}${i.toString(16).padStart(12, "0")}`;
    copy.timestamp = new Date(Date.now() + i).toISOString();
    held.push(copy);
  }
  const heapBytes = settledHeap() - before;
  if (held.length !== EVENTS) throw new Error("floor lost events");
  return { events: EVENTS, heapBytes, bytesPerEvent: heapBytes / EVENTS, jsonBytesPerEvent: Buffer.byteLength(json) };
}

async function runCase(name: MemoryCase): Promise<MemoryRow | MemoryFloor | undefined> {
  switch (name) {
    case "raised-never":
      return queuedHeap("never resolves", neverResolves, raisedCaps);
    case "raised-status0":
      return queuedHeap("status 0 (retrying)", statusZero, raisedCaps);
    case "defaults-never":
      return queuedHeap("never resolves", neverResolves, undefined);
    case "floor": {
      const event = await sampleEvent();
      return event ? floorHeap(event) : undefined;
    }
  }
}

const requested = process.argv[2] as MemoryCase;
if (!memoryCases.includes(requested)) throw new Error(`usage: memory.ts <${memoryCases.join("|")}>`);
process.stdout.write(`${JSON.stringify((await runCase(requested)) ?? null)}\n`);
process.exit(0);
