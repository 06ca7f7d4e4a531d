export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: how much may be spent at once after a quiet spell. */
  burst: number;
  /**
   * Most buckets kept at once. Past it the least recently created bucket is dropped, so a flood of
   * distinct keys (spoofed IPs, random write keys) costs bounded memory; a dropped bucket starts full.
   */
  maxBuckets: number;
  /** Clock in milliseconds; injected by tests. */
  now?: () => number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets keyed by a string (a client IP, a write key): pure bookkeeping with no timers. A
 * bucket refills continuously at `ratePerSecond` up to `burst`; `take` spends `cost` tokens or tells
 * how long until it could.
 */
export function createTokenBuckets({ ratePerSecond, burst, maxBuckets, now = Date.now }: TokenBucketOptions) {
  const buckets = new Map<string, Bucket>();
  const perMs = ratePerSecond / 1000;

  return {
    take(key: string, cost = 1): TakeResult {
      // A request bigger than the whole bucket could never pass; let it through on a full bucket.
      const spend = Math.min(cost, burst);
      const at = now();
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        if (buckets.size >= maxBuckets) {
          const oldest = buckets.keys().next().value;
          if (oldest !== undefined) buckets.delete(oldest);
        }
        bucket = { tokens: burst, updatedAt: at };
        buckets.set(key, bucket);
      } else if (at > bucket.updatedAt) {
        bucket.tokens = Math.min(burst, bucket.tokens + (at - bucket.updatedAt) * perMs);
        bucket.updatedAt = at;
      }
      if (bucket.tokens >= spend) {
        bucket.tokens -= spend;
        return { ok: true };
      }
      const waitMs = (spend - bucket.tokens) / perMs;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    },
    get size() {
      return buckets.size;
    },
  };
}
