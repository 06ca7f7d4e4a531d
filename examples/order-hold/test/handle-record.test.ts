import { describe, expect, it } from "vitest";
import { createAlertParser } from "../src/core/alert.js";
import type { DeliveryResult } from "../src/core/delivery.js";
import {
  type AlertRecord,
  createRecordHandler,
  type DeadLetter,
  type RecordControl,
} from "../src/core/handle-record.js";
import type { HoldRequest } from "../src/core/hold.js";
import { silentLogger } from "../src/logger.js";
import { bytes, fraudAlert } from "./support/alerts.js";

/** A handler wired to in-memory ports; `answers` are the webhook's replies, in order (then 200). */
function setup(answers: DeliveryResult[] = [], options: { minScore?: number; handled?: string[] } = {}) {
  const sent: HoldRequest[] = [];
  const deadLetters: DeadLetter[] = [];
  const handled = new Set(options.handled ?? []);
  const events: string[] = [];
  const waits: number[] = [];
  const handle = createRecordHandler({
    parse: createAlertParser(),
    policy: { minScore: options.minScore },
    handled: {
      has: (id) => handled.has(id),
      add: async (id) => {
        events.push(`recorded ${id}`);
        handled.add(id);
      },
    },
    webhook: {
      send: async (request) => {
        sent.push(request);
        const answer = answers.shift() ?? { kind: "delivered", status: 200 };
        events.push(`sent -> ${answer.kind}`);
        return answer;
      },
    },
    deadLetters: {
      write: async (entry) => {
        deadLetters.push(entry);
      },
    },
    retryDelay: (attempt, retryAfterMs) => retryAfterMs ?? 100 * attempt,
    logger: silentLogger,
    now: () => new Date("2026-11-28T16:00:00.000Z"),
  });
  return { handle, sent, deadLetters, handled, events, waits };
}

const record = (value: Uint8Array | null, offset = "7"): AlertRecord => ({
  topic: "alerts.fraud",
  partition: 0,
  offset,
  value,
});

const running = (waits: number[]): RecordControl => ({
  shouldStop: () => false,
  wait: async (ms) => {
    waits.push(ms);
    return true;
  },
});

const unavailable: DeliveryResult = { kind: "retry", status: 503, error: "HTTP 503" };

describe("handling one alert record", () => {
  it("places a hold and records the alert id only after the webhook said 2xx", async () => {
    const alert = fraudAlert();
    const { handle, sent, handled, events, waits } = setup();
    const outcome = await handle(record(bytes(alert)), running(waits));
    expect(outcome).toEqual({ kind: "held", alertId: alert.alertId, status: 200, attempts: 1 });
    expect(sent.map((r) => r.alertId)).toEqual([alert.alertId]);
    expect(handled.has(alert.alertId)).toBe(true);
    expect(events).toEqual(["sent -> delivered", `recorded ${alert.alertId}`]);
  });

  it("retries 5xx and network errors with growing delays until the webhook accepts, never skipping", async () => {
    const alert = fraudAlert();
    const { handle, sent, events, waits } = setup([
      unavailable,
      { kind: "retry", error: "connect ECONNREFUSED" },
      { kind: "retry", status: 429, error: "HTTP 429", retryAfterMs: 2500 },
    ]);
    const outcome = await handle(record(bytes(alert)), running(waits));
    expect(outcome).toMatchObject({ kind: "held", attempts: 4 });
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(waits).toEqual([100, 200, 2500]);
    expect(events.filter((e) => e.startsWith("recorded"))).toHaveLength(1);
  });

  it("dead-letters a 4xx with the request and where the record was, without recording the id or retrying", async () => {
    const alert = fraudAlert();
    const { handle, sent, deadLetters, handled, waits } = setup([
      { kind: "permanent", status: 422, error: "HTTP 422: unknown order" },
    ]);
    const outcome = await handle(record(bytes(alert), "42"), running(waits));
    expect(outcome).toEqual({ kind: "dead_lettered", alertId: alert.alertId, status: 422 });
    expect(sent).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(handled.size).toBe(0);
    expect(deadLetters).toEqual([
      {
        at: "2026-11-28T16:00:00.000Z",
        alertId: alert.alertId,
        topic: "alerts.fraud",
        partition: 0,
        offset: "42",
        status: 422,
        error: "HTTP 422: unknown order",
        request: sent[0],
      },
    ]);
  });

  it("does not call the webhook for an alert id already handled", async () => {
    const alert = fraudAlert();
    const { handle, sent, waits } = setup([], { handled: [alert.alertId] });
    expect(await handle(record(bytes({ ...alert, alertTs: "2026-11-28T17:00:00.000Z" })), running(waits))).toEqual({
      kind: "duplicate",
      alertId: alert.alertId,
    });
    expect(sent).toHaveLength(0);
  });

  it("skips malformed records and alerts it will not hold, without calling the webhook", async () => {
    const { handle, sent, waits } = setup([], { minScore: 90 });
    expect(await handle(record(bytes("{")), running(waits))).toMatchObject({
      kind: "malformed",
      reason: { code: "not_json" },
    });
    expect(await handle(record(bytes({ v: 1 })), running(waits))).toMatchObject({
      kind: "malformed",
      reason: { code: "schema_violation" },
    });
    expect(await handle(record(bytes(fraudAlert({ score: 80 }))), running(waits))).toMatchObject({
      kind: "skipped",
      reason: "below_min_score",
    });
    expect(
      await handle(record(bytes(fraudAlert({ score: 95, orderId: null, checkoutId: null }))), running(waits)),
    ).toMatchObject({ kind: "skipped", reason: "no_order_reference" });
    expect(sent).toHaveLength(0);
  });

  it("gives up without a result when the consumer stops during the retries (the record is read again)", async () => {
    const alert = fraudAlert();
    const { handle, handled, deadLetters } = setup([unavailable, unavailable, unavailable]);
    let waited = 0;
    const stopping: RecordControl = {
      shouldStop: () => false,
      wait: async () => {
        waited += 1;
        return waited < 2;
      },
    };
    expect(await handle(record(bytes(alert)), stopping)).toEqual({
      kind: "interrupted",
      alertId: alert.alertId,
      attempts: 2,
    });
    expect(handled.size).toBe(0);
    expect(deadLetters).toHaveLength(0);

    const { handle: again, sent } = setup([unavailable]);
    expect(await again(record(bytes(alert)), { shouldStop: () => true, wait: async () => true })).toMatchObject({
      kind: "interrupted",
      attempts: 1,
    });
    expect(sent).toHaveLength(1);
  });
});
