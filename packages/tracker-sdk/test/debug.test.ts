import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { debug } from "../src/core/debug.js";
import { createTracker } from "../src/core/tracker.js";
import {
  createMemoryKeyValueStore,
  createMemoryStore,
  createTestingLifecycle,
  createTestingTransport,
} from "../src/testing.js";

const options = { writeKey: "wk", host: "http://127.0.0.1:1", flushAt: 100, flushIntervalMs: 300_000, maxRetries: 0 };

function setup(overrides: Record<string, unknown> = {}) {
  const lines: Array<{ message: string; data: unknown }> = [];
  const logger = { log: (message: string, data?: unknown) => void lines.push({ message, data }) };
  const transport = createTestingTransport();
  const lifecycle = createTestingLifecycle();
  const tracker = createTracker(
    { ...options, plugins: [debug(logger)], ...overrides },
    { transport, lifecycle, kv: createMemoryKeyValueStore(), store: createMemoryStore() },
  );
  return { lines, transport, lifecycle, tracker, messages: () => lines.map((line) => line.message) };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("debug()", () => {
  it("logs every event, every batch and every answer", async () => {
    const { lines, transport, tracker, messages } = setup();
    transport.respond({ status: 503 });
    const id = tracker.track("A", { n: 1 });
    await tracker.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(messages()).toEqual([
      "[shop/tracker] event",
      "[shop/tracker] batch of 1",
      "[shop/tracker] answer 503",
      "[shop/tracker] drop: batch_dropped",
    ]);
    expect(lines[0]?.data).toMatchObject({ messageId: id, event: "A", properties: { n: 1 } });
    expect(lines[1]?.data).toMatchObject({ batch: [{ messageId: id }], writeKey: "wk" });
    expect(lines[2]?.data).toEqual({ status: 503 });
  });

  it("logs why events are held (consent pending) and why they are dropped (plugin null, plugin error, cap)", async () => {
    const lines: string[] = [];
    const logger = { log: (message: string) => void lines.push(message) };
    const transport = createTestingTransport();
    const tracker = createTracker(
      {
        ...options,
        consent: "pending",
        maxQueueEvents: 1,
        plugins: [
          { name: "no-admin", beforeSend: (e) => (e.type === "page" ? null : e) },
          {
            name: "broken",
            beforeSend: (e) => {
              if (e.type === "screen") throw new Error("boom");
              return e;
            },
          },
          debug(logger),
        ],
      },
      { transport, kv: createMemoryKeyValueStore(), store: createMemoryStore() },
    );
    tracker.page("Admin");
    tracker.screen("S");
    tracker.track("A");
    tracker.track("B");
    expect(lines).toEqual([
      "[shop/tracker] drop: no-admin returned null",
      "[shop/tracker] drop: plugin_failed",
      "[shop/tracker] event, held until consent",
      "[shop/tracker] event, held until consent",
      "[shop/tracker] drop: queue_full",
    ]);
  });

  it("logs page-exit batches and whether the platform took them", async () => {
    const taken = setup();
    taken.tracker.track("A");
    taken.lifecycle.hide();
    expect(taken.messages().at(-1)).toBe("[shop/tracker] page exit: batch of 1 handed to the browser");

    const refused = setup();
    refused.transport.acceptExit = false;
    refused.tracker.track("A");
    refused.lifecycle.hide();
    // Refused, the queue tries smaller chunks; every attempt is logged.
    expect(new Set(refused.messages().slice(1))).toEqual(
      new Set(["[shop/tracker] page exit: batch of 1 refused, kept queued"]),
    );
    expect(refused.tracker.stats().queued).toBe(1);
  });

  it("without the plugin nothing is logged, not even to the console", async () => {
    const spy = vi.spyOn(console, "log");
    const transport = createTestingTransport();
    const tracker = createTracker({ ...options, flushAt: 1 }, { transport, store: createMemoryStore() });
    tracker.track("A");
    await tracker.flush();
    expect(transport.events()).toHaveLength(1);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it("writes to the console by default", async () => {
    const spy = vi.spyOn(console, "log").mockImplementation(() => {});
    const tracker = createTracker(
      { ...options, plugins: [debug()] },
      { transport: createTestingTransport(), store: createMemoryStore() },
    );
    tracker.track("A");
    expect(spy).toHaveBeenCalledWith("[shop/tracker] event", expect.objectContaining({ event: "A" }));
    spy.mockRestore();
  });
});
