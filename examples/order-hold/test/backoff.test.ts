import { describe, expect, it } from "vitest";
import { retryDelay } from "../src/core/backoff.js";
import { classifyResponse, parseRetryAfter } from "../src/core/delivery.js";

const policy = { initialMs: 500, maxMs: 30_000 };
const top = () => 1; // the upper end of the jitter range
const bottom = () => 0;

describe("retry delay", () => {
  it("doubles per attempt up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelay(attempt, policy, undefined, top))).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect(retryDelay(10_000, policy, undefined, top)).toBe(30_000);
  });

  it("jitters within [half, all] of the capped delay", () => {
    expect(retryDelay(3, policy, undefined, bottom)).toBe(1000);
    for (let i = 0; i < 200; i += 1) {
      const delay = retryDelay(3, policy);
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });

  it("honours a longer Retry-After, but never beyond the cap", () => {
    expect(retryDelay(1, policy, 5_000, top)).toBe(5_000);
    expect(retryDelay(1, policy, 100, top)).toBe(500);
    expect(retryDelay(1, policy, 3_600_000, top)).toBe(30_000);
  });
});

describe("classifying the webhook's answer", () => {
  it.each([
    [200, "delivered"],
    [201, "delivered"],
    [204, "delivered"],
    [500, "retry"],
    [502, "retry"],
    [503, "retry"],
    [408, "retry"],
    [429, "retry"],
    [400, "permanent"],
    [401, "permanent"],
    [404, "permanent"],
    [422, "permanent"],
    [301, "permanent"],
    [307, "permanent"],
  ])("HTTP %i is %s", (status, kind) => {
    expect(classifyResponse(status, "").kind).toBe(kind);
  });

  it("keeps the status and a body excerpt for the logs and the dead letter", () => {
    expect(classifyResponse(422, "order unknown")).toEqual({
      kind: "permanent",
      status: 422,
      error: "HTTP 422: order unknown",
    });
    expect(classifyResponse(503, "", 2000)).toEqual({
      kind: "retry",
      status: 503,
      error: "HTTP 503",
      retryAfterMs: 2000,
    });
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-28T15:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("Sat, 28 Nov 2026 15:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Sat, 28 Nov 2026 14:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
