import { describe, expect, it } from "vitest";
import { applyAlert, applyMinute, emptyState, viewOf } from "../src/core/state.js";
import { fraudAlert, liveMetrics } from "./support/records.js";

const at = (minute: string, revision: number, extra = {}) =>
  liveMetrics({ minute: `2026-11-28T${minute}:00.000Z`, revision, ...extra });

describe("applyMinute", () => {
  it("keeps the highest revision of a minute, whatever the arrival order", () => {
    let state = emptyState();
    state = applyMinute(state, at("15:00", 2, { events: 200 })).state;
    const late = applyMinute(state, at("15:00", 1, { events: 100 }));
    expect(late.outcome).toBe("stale_revision");
    expect(late.state).toBe(state);
    const newer = applyMinute(state, at("15:00", 3, { events: 300 }));
    expect(newer.outcome).toBe("revised");
    expect(viewOf(newer.state, new Date()).current?.events).toBe(300);
  });

  it("ignores a redelivered revision", () => {
    const state = applyMinute(emptyState(), at("15:00", 2)).state;
    expect(applyMinute(state, at("15:00", 2, { events: 999 })).outcome).toBe("stale_revision");
  });

  it("treats the same instant written differently as one minute", () => {
    const state = applyMinute(emptyState(), liveMetrics({ minute: "2026-11-28T15:00:00Z", revision: 1 })).state;
    const next = applyMinute(state, liveMetrics({ minute: "2026-11-28T15:00:00.000Z", revision: 2 }));
    expect(next.outcome).toBe("revised");
    expect(next.state.minutes.size).toBe(1);
  });

  it("drops minutes that leave the window and refuses ones already outside it", () => {
    let state = emptyState({ windowMinutes: 2 });
    state = applyMinute(state, at("15:00", 1)).state;
    state = applyMinute(state, at("15:01", 1)).state;
    state = applyMinute(state, at("15:02", 1)).state;
    expect([...state.minutes.keys()]).toEqual(["2026-11-28T15:01:00.000Z", "2026-11-28T15:02:00.000Z"]);
    expect(applyMinute(state, at("15:00", 9)).outcome).toBe("too_old");
  });
});

describe("applyAlert", () => {
  it("lists alerts newest first, one per alert id (the first raised stays on a replay)", () => {
    let state = emptyState();
    const older = fraudAlert({ alertId: "a".repeat(32), alertTs: "2026-11-28T15:00:00.000Z" });
    const newer = fraudAlert({ alertId: "b".repeat(32), alertTs: "2026-11-28T15:05:00.000Z" });
    state = applyAlert(state, older).state;
    state = applyAlert(state, newer).state;
    const replay = applyAlert(state, { ...older, alertTs: "2026-11-28T16:00:00.000Z" });
    expect(replay.outcome).toBe("duplicate");
    expect(replay.state.alerts.map((a) => a.alertId)).toEqual(["b".repeat(32), "a".repeat(32)]);
    expect(replay.state.alerts[1]?.alertTs).toBe("2026-11-28T15:00:00.000Z");
  });

  it("keeps only the newest maxAlerts", () => {
    let state = emptyState({ maxAlerts: 2 });
    for (const [i, ts] of ["15:01", "15:03", "15:02"].entries()) {
      state = applyAlert(
        state,
        fraudAlert({ alertId: String(i).repeat(32), alertTs: `2026-11-28T${ts}:00.000Z` }),
      ).state;
    }
    expect(state.alerts.map((a) => a.alertTs.slice(11, 16))).toEqual(["15:03", "15:02"]);
    const old = fraudAlert({ alertId: "f".repeat(32), alertTs: "2026-11-28T14:00:00.000Z" });
    expect(applyAlert(state, old).outcome).toBe("too_old");
  });
});

describe("viewOf", () => {
  it("shows the newest minute as published and the window's totals", () => {
    let state = emptyState();
    state = applyMinute(
      state,
      at("15:00", 1, {
        events: 100,
        botEvents: 50,
        orders: 1,
        revenue: { EUR: 0.1 },
        topProductsViewed: [{ productId: "sku-9", count: 5 }],
      }),
    ).state;
    state = applyMinute(
      state,
      at("15:01", 4, {
        events: 300,
        botEvents: 0,
        botShare: 0,
        orders: 2,
        revenue: { EUR: 0.2, USD: 5 },
        computedAt: "2026-11-28T15:01:40.000Z",
      }),
    ).state;
    const view = viewOf(state, new Date("2026-11-28T15:02:00.000Z"));
    expect(view.current?.minute).toBe("2026-11-28T15:01:00.000Z");
    expect(view.current?.revision).toBe(4);
    expect(view.lagSeconds).toBe(20);
    expect(view.series.map((p) => p.minute)).toEqual(["2026-11-28T15:00:00.000Z", "2026-11-28T15:01:00.000Z"]);
    expect(view.window).toMatchObject({ minutes: 2, events: 400, orders: 3, botShare: 50 / 400 });
    // 0.1 + 0.2 is 0.30000000000000004 in floating point.
    expect(view.window.revenue).toEqual({ EUR: 0.3, USD: 5 });
    expect(view.window.topProductsViewed[0]).toEqual({ productId: "sku-1", count: 30 });
    expect(view.window.topProductsViewed.map((p) => p.productId)).toEqual(["sku-1", "sku-2", "sku-9"]);
  });

  it("has no headline and a zero bot share before the first record", () => {
    const view = viewOf(emptyState(), new Date());
    expect(view.current).toBeNull();
    expect(view.lagSeconds).toBeNull();
    expect(view.window.botShare).toBe(0);
  });
});
