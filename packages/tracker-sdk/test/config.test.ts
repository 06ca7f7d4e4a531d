import { describe, expect, it } from "vitest";
import { resolveConfig } from "../src/core/config.js";
import { uuidv7 } from "../src/core/ids.js";
import { backoffMs, retryable } from "../src/core/retry.js";

describe("resolveConfig", () => {
  it("fills every default", () => {
    expect(resolveConfig({ writeKey: "k", host: "https://c.example/" })).toMatchObject({
      writeKey: "k",
      url: "https://c.example/v1/batch",
      flushAt: 20,
      flushIntervalMs: 5000,
      maxBatchBytes: 450_000,
      maxRetries: 10,
      maxQueueEvents: 10_000,
      maxQueueBytes: 5_000_000,
      maxQueueAgeMs: 604_800_000,
      sessionTimeoutMs: 1_800_000,
      consent: "granted",
      plugins: [],
      storagePrefix: "shop_tracker",
      library: { name: "@shop/tracker", version: "0.1.0" },
    });
  });

  it("treats undefined as unset and clamps what would break delivery", () => {
    const config = resolveConfig({
      writeKey: "k",
      host: "http://c",
      flushAt: 0,
      flushIntervalMs: undefined,
      maxBatchBytes: 10_000_000,
      consent: undefined,
    });
    expect(config).toMatchObject({ flushAt: 1, flushIntervalMs: 5000, maxBatchBytes: 500_000, consent: "granted" });
  });
});

describe("uuidv7", () => {
  const shape = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it("starts with the 48-bit millisecond time and is unique", () => {
    const at = Date.parse("2026-11-28T15:00:00.000Z");
    const ids = Array.from({ length: 1000 }, () => uuidv7(at));
    for (const id of ids) expect(id).toMatch(shape);
    expect(Number.parseInt(ids[0]?.replace(/-/g, "").slice(0, 12) ?? "", 16)).toBe(at);
    expect(new Set(ids).size).toBe(1000);
    expect(uuidv7(at + 1) > uuidv7(at)).toBe(true);
  });

  it("works without crypto.randomUUID (React Native, plain http pages)", () => {
    const original = Object.getOwnPropertyDescriptor(globalThis, "crypto");
    Object.defineProperty(globalThis, "crypto", { value: undefined, configurable: true });
    try {
      const ids = Array.from({ length: 1000 }, () => uuidv7());
      for (const id of ids) expect(id).toMatch(shape);
      expect(new Set(ids).size).toBe(1000);
    } finally {
      if (original) Object.defineProperty(globalThis, "crypto", original);
    }
  });
});

describe("retry policy", () => {
  it("retries no answer, timeouts, throttling and server errors; not other 4xx", () => {
    for (const status of [0, 408, 429, 500, 503, 599]) expect(retryable(status)).toBe(true);
    for (const status of [200, 400, 401, 403, 404, 413, 415]) expect(retryable(status)).toBe(false);
  });

  it("doubles from 500 ms with full jitter in the upper half, caps at 60 s, and waits at least Retry-After", () => {
    expect([1, 2, 3].map((attempt) => backoffMs(attempt, undefined, () => 0))).toEqual([250, 500, 1000]);
    expect([1, 2, 3].map((attempt) => backoffMs(attempt, undefined, () => 1))).toEqual([500, 1000, 2000]);
    expect(backoffMs(30, undefined, () => 1)).toBe(60_000);
    expect(backoffMs(1, 9000, () => 1)).toBe(9000);
  });
});
