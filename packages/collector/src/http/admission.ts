import type { FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import { type WriteKeyRing, writeKeyFrom } from "../keys/write-key-ring.js";
import { CollectorError } from "./errors.js";
import type { OriginPolicy } from "./origins.js";
import type { RateLimitSetting } from "./settings.js";
import { createTokenBuckets } from "./token-bucket.js";

export interface AdmissionOptions {
  writeKeys: WriteKeyRing;
  originPolicy: OriginPolicy;
  writeKeyRateLimit: RateLimitSetting | undefined;
  maxClients: number;
}

const rateLimited = (retryAfterSeconds: number, message: string) =>
  new CollectorError("rate_limited", message, undefined, { retryAfterSeconds });

/**
 * Decides whether a parsed request may send its events, in the order a client can fix things:
 * write key (401), origin for that key's source (403), the key's event budget (429). Returns the
 * source id the events are tagged with.
 */
export function createAdmission({ writeKeys, originPolicy, writeKeyRateLimit, maxClients }: AdmissionOptions) {
  // Only resolved keys get a bucket, so the map holds at most the configured keys.
  const buckets = writeKeyRateLimit
    ? createTokenBuckets({
        ratePerSecond: writeKeyRateLimit.perSecond,
        burst: writeKeyRateLimit.burst,
        maxBuckets: maxClients,
      })
    : undefined;

  return (request: FastifyRequest, eventCount: number): string | undefined => {
    const writeKey = writeKeyFrom(request.headers, request.body);
    const sourceId = writeKeys.resolve(writeKey);
    const origin = request.headers.origin;
    if (origin !== undefined && !originPolicy.allows(origin, sourceId)) {
      throw new CollectorError("origin_not_allowed", "this origin may not send events with this write key");
    }
    if (buckets && writeKey !== undefined && sourceId !== undefined) {
      const taken = buckets.take(writeKey, eventCount);
      if (!taken.ok) throw rateLimited(taken.retryAfterSeconds, "this write key is over its events-per-second limit");
    }
    return sourceId;
  };
}

/**
 * A per-client-IP request limit, as an onRequest hook so a flood is turned away before its body is
 * read. The IP is Fastify's `request.ip`, which honours X-Forwarded-For only from trusted proxies.
 */
export function ipRateLimitHook(limit: RateLimitSetting, maxClients: number): onRequestAsyncHookHandler {
  const buckets = createTokenBuckets({ ratePerSecond: limit.perSecond, burst: limit.burst, maxBuckets: maxClients });
  return async (request) => {
    const taken = buckets.take(request.ip);
    if (!taken.ok) throw rateLimited(taken.retryAfterSeconds, "this client is over its requests-per-second limit");
  };
}
