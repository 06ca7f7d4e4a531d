import { describe, expect, it } from "vitest";
import { createTokenBuckets } from "../src/http/token-bucket.js";
import { validFixtures } from "./fixtures.js";
import { basicAuth, devConfig, setupApp } from "./setup-app.js";

describe("token buckets", () => {
  it("allows a burst, then refills at the rate, and says how long to wait", () => {
    let now = 0;
    const buckets = createTokenBuckets({ ratePerSecond: 2, burst: 4, maxBuckets: 10, now: () => now });
    expect([1, 2, 3, 4].map(() => buckets.take("a").ok)).toEqual([true, true, true, true]);
    expect(buckets.take("a")).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(buckets.take("b").ok).toBe(true); // buckets are per key
    now = 500; // half a second: one token back
    expect(buckets.take("a").ok).toBe(true);
    expect(buckets.take("a").ok).toBe(false);
    now = 60_000; // refills up to the burst, not beyond
    expect([1, 2, 3, 4, 5].map(() => buckets.take("a").ok)).toEqual([true, true, true, true, false]);
  });

  it("charges a cost, lets a cost above the burst through only on a full bucket, and rounds Retry-After up", () => {
    let now = 0;
    const buckets = createTokenBuckets({ ratePerSecond: 10, burst: 20, maxBuckets: 10, now: () => now });
    expect(buckets.take("k", 15).ok).toBe(true);
    expect(buckets.take("k", 10)).toEqual({ ok: false, retryAfterSeconds: 1 });
    now = 10_000;
    expect(buckets.take("k", 500).ok).toBe(true); // capped at the burst
    expect(buckets.take("k", 500)).toEqual({ ok: false, retryAfterSeconds: 2 });
  });

  it("keeps at most maxBuckets keys, dropping the oldest", () => {
    const buckets = createTokenBuckets({ ratePerSecond: 1, burst: 1, maxBuckets: 3, now: () => 0 });
    for (const key of ["a", "b", "c", "d", "e"]) buckets.take(key);
    expect(buckets.size).toBe(3);
    expect(buckets.take("a").ok).toBe(true); // "a" was dropped, so it starts full again
    expect(buckets.take("e").ok).toBe(false);
  });
});

describe("rate limits in the app", () => {
  const event = validFixtures[1]?.event;

  it("answers 429 with Retry-After and a JSON reason once a client IP is over its limit", async () => {
    const { app, published } = setupApp({
      COLLECTOR_RATE_LIMIT_IP_PER_SECOND: "1",
      COLLECTOR_RATE_LIMIT_IP_BURST: "2",
    });
    const send = (remoteAddress: string) =>
      app.inject({ method: "POST", url: "/v1/batch", remoteAddress, payload: { batch: [event] } });
    const answers = [await send("203.0.113.5"), await send("203.0.113.5"), await send("203.0.113.5")];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 429]);
    const limited = answers[2];
    expect(limited?.headers["retry-after"]).toBe("1");
    expect(limited?.json()).toMatchObject({ success: false, error: { code: "rate_limited" } });
    expect(published).toHaveLength(2);
    expect((await send("203.0.113.6")).statusCode).toBe(200); // another client is unaffected
    expect((await app.inject("/health")).statusCode).toBe(200); // only the ingest routes are limited
  });

  it("limits by the forwarded client IP only behind a trusted proxy", async () => {
    const { app } = setupApp({
      COLLECTOR_RATE_LIMIT_IP_PER_SECOND: "1",
      COLLECTOR_RATE_LIMIT_IP_BURST: "1",
      COLLECTOR_TRUST_PROXY: "127.0.0.1",
    });
    const send = (forwardedFor: string) =>
      app.inject({
        method: "POST",
        url: "/v1/batch",
        remoteAddress: "127.0.0.1",
        headers: { "x-forwarded-for": forwardedFor },
        payload: { batch: [event] },
      });
    expect((await send("198.51.100.1")).statusCode).toBe(200);
    expect((await send("198.51.100.2")).statusCode).toBe(200);
    expect((await send("198.51.100.1")).statusCode).toBe(429);
  });

  it("counts events, not requests, against a write key's limit", async () => {
    const { app, published } = setupApp({
      COLLECTOR_WRITE_KEYS: "wk_a=shop-a,wk_b=shop-b",
      COLLECTOR_RATE_LIMIT_WRITE_KEY_PER_SECOND: "5",
      COLLECTOR_RATE_LIMIT_WRITE_KEY_BURST: "10",
    });
    const send = (key: string, count: number) =>
      app.inject({
        method: "POST",
        url: "/v1/batch",
        headers: { authorization: basicAuth(key) },
        payload: { batch: Array.from({ length: count }, (_, i) => ({ ...event, messageId: `m-rl-${key}-${i}` })) },
      });
    expect((await send("wk_a", 8)).statusCode).toBe(200);
    const over = await send("wk_a", 5);
    expect(over.statusCode).toBe(429);
    expect(over.headers["retry-after"]).toBe("1");
    expect(over.json().error.code).toBe("rate_limited");
    expect((await send("wk_b", 10)).statusCode).toBe(200);
    expect(published).toHaveLength(18);
  });

  it("validates the limits at start-up", () => {
    expect(() => devConfig({ COLLECTOR_RATE_LIMIT_IP_PER_SECOND: "-1" })).toThrow(/COLLECTOR_RATE_LIMIT_IP_PER_SECOND/);
    expect(() =>
      devConfig({ COLLECTOR_RATE_LIMIT_WRITE_KEY_PER_SECOND: "100", COLLECTOR_RATE_LIMIT_WRITE_KEY_BURST: "10" }),
    ).toThrow(/COLLECTOR_RATE_LIMIT_WRITE_KEY_BURST must be at least/);
    expect(devConfig({}).ipRateLimit).toBeUndefined();
    expect(devConfig({ COLLECTOR_RATE_LIMIT_IP_PER_SECOND: "50" }).ipRateLimit).toEqual({ perSecond: 50, burst: 100 });
  });
});
