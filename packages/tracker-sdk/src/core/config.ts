/** Public options; all but the write key and host are optional with the documented defaults. */
export interface TrackerOptions {
  /** The source's write key. */
  writeKey: string;
  /** Collector base URL, e.g. https://collect.example.com. */
  host: string;
  /** Send when this many events are queued. @default 20 */
  flushAt?: number;
  /** Send queued events at least this often, in ms. @default 5000 */
  flushIntervalMs?: number;
  /** Largest batch body in bytes; must stay under the collector's 500 KB batch limit. @default 450000 */
  maxBatchBytes?: number;
  /** Retries of one batch before it is dropped (and counted). @default 10 */
  maxRetries?: number;
  /** Library name and version sent in context.library. */
  library?: { name: string; version: string };
}

export type ResolvedConfig = Required<TrackerOptions>;

const clamp = (value: number | undefined, fallback: number, min: number, max: number) =>
  value === undefined || !Number.isFinite(value) ? fallback : Math.min(max, Math.max(min, Math.floor(value)));

export function resolveConfig(options: TrackerOptions): ResolvedConfig {
  return {
    writeKey: options.writeKey,
    host: options.host.replace(/\/+$/, ""),
    flushAt: clamp(options.flushAt, 20, 1, 500),
    flushIntervalMs: clamp(options.flushIntervalMs, 5000, 10, 300_000),
    maxBatchBytes: clamp(options.maxBatchBytes, 450_000, 1024, 500_000),
    maxRetries: clamp(options.maxRetries, 10, 0, 100),
    library: options.library ?? { name: "@shop/tracker", version: "0.1.0" },
  };
}
