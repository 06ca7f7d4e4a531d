import { mean, percentile } from "../lib/stats.js";
import type { CostAdapter, CostResult, ProductProps } from "./adapter.js";
import { traffic } from "./network-stub.js";

/** What the loop needs from its platform: a clock, one event-loop turn, and a timer. */
export interface LoopPlatform {
  now(): number;
  turn(): Promise<void>;
  sleep(ms: number): Promise<void>;
  gc?(): void;
}

export interface LoopOptions {
  iterations: number;
  warmup: number;
  /** Slow SDKs stop early so a run keeps to its time budget; the call count is printed. */
  maxMs: number;
  logs: string[];
}

export const COLLECTOR = "https://collect.shop.example";
const CHUNK = 50;

function props(i: number): ProductProps {
  return { product_id: `p-${i % 500}`, sku: "SKU-1", price: 19.99, currency: "EUR", quantity: 1 };
}

/** Waits until the SDK's batching timers have sent what it queued: no new request for `quietMs`. */
async function drain(platform: LoopPlatform, quietMs: number, maxMs: number): Promise<void> {
  const until = platform.now() + maxMs;
  let last = traffic.requests;
  let quietSince = platform.now();
  while (platform.now() < until) {
    await platform.sleep(100);
    if (traffic.requests !== last) {
      last = traffic.requests;
      quietSince = platform.now();
    } else if (platform.now() - quietSince >= quietMs) return;
  }
}

/**
 * Warm-up, then timed track() calls in chunks of 50 with one event-loop turn between chunks, so
 * the SDK's deferred work runs as it would between user actions (and shows in `amortizedUs`).
 */
export async function measureTrack(
  adapter: CostAdapter,
  platform: LoopPlatform,
  options: LoopOptions,
): Promise<CostResult> {
  await adapter.init(COLLECTOR);
  await platform.turn();
  const warmupUntil = platform.now() + options.maxMs / 4;
  for (let i = 0; i < options.warmup && platform.now() < warmupUntil; i++) {
    adapter.track(props(i));
    if (i % CHUNK === 0) await platform.turn();
  }
  await drain(platform, 500, 3000);
  platform.gc?.();
  traffic.requests = 0;
  const samples = new Float64Array(options.iterations);
  const deadline = platform.now() + options.maxMs;
  let k = 0;
  const started = platform.now();
  while (k < options.iterations && platform.now() < deadline) {
    for (let j = 0; j < CHUNK && k < options.iterations; j++, k++) {
      const p = props(k);
      const t0 = platform.now();
      adapter.track(p);
      samples[k] = platform.now() - t0;
    }
    await platform.turn();
  }
  const wall = platform.now() - started;
  await drain(platform, 1000, 3000);
  const taken = samples.subarray(0, k);
  const tenth = Math.max(1, Math.floor(k / 10));
  const sorted = Float64Array.from(taken).sort();
  return {
    medianUs: percentile(sorted, 50) * 1000,
    p99Us: percentile(sorted, 99) * 1000,
    meanUs: mean(taken) * 1000,
    growth: mean(taken.subarray(k - tenth)) / mean(taken.subarray(0, tenth)),
    amortizedUs: (wall * 1000) / k,
    iterations: k,
    requests: traffic.requests,
    logs: options.logs,
  };
}
