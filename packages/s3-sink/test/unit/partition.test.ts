import { describe, expect, it } from "vitest";
import { parseDuration, resolveSinkConfig } from "../../src/config.js";
import { hourPartitionOf, partitionFor, partitionPath } from "../../src/core/partition.js";

const bounds = { lateEventBoundMs: 7 * 86_400_000, futureEventBoundMs: 15 * 60_000 };
const receivedAt = Date.parse("2026-11-28T10:30:00.000Z");

describe("partitionFor", () => {
  it("uses the event time's UTC hour for plausible event times", () => {
    expect(partitionFor({ event_ts: Date.parse("2026-11-28T09:59:59.999Z"), received_at: receivedAt }, bounds)).toEqual(
      { dt: "2026-11-28", hour: 9, basis: "event_ts" },
    );
  });

  it("keeps event time exactly at the late bound, and falls back to received_at one ms past it", () => {
    const atBound = receivedAt - bounds.lateEventBoundMs;
    expect(partitionFor({ event_ts: atBound, received_at: receivedAt }, bounds)).toEqual({
      dt: "2026-11-21",
      hour: 10,
      basis: "event_ts",
    });
    expect(partitionFor({ event_ts: atBound - 1, received_at: receivedAt }, bounds)).toEqual({
      dt: "2026-11-28",
      hour: 10,
      basis: "received_at",
    });
  });

  it("keeps event time exactly at the future bound, and falls back to received_at one ms past it", () => {
    const atBound = receivedAt + bounds.futureEventBoundMs;
    expect(partitionFor({ event_ts: atBound, received_at: receivedAt }, bounds)).toMatchObject({
      hour: 10,
      basis: "event_ts",
    });
    const farFuture = Date.parse("2026-11-28T11:00:00.000Z");
    expect(partitionFor({ event_ts: farFuture, received_at: receivedAt }, bounds)).toEqual({
      dt: "2026-11-28",
      hour: 10,
      basis: "received_at",
    });
  });

  it("crosses midnight in UTC, not in local time", () => {
    expect(hourPartitionOf(Date.parse("2026-12-31T23:59:59.999Z"))).toEqual({ dt: "2026-12-31", hour: 23 });
    expect(hourPartitionOf(Date.parse("2027-01-01T00:00:00.000Z"))).toEqual({ dt: "2027-01-01", hour: 0 });
    expect(hourPartitionOf(Date.parse("2026-06-01T01:30:00.000+03:00"))).toEqual({ dt: "2026-05-31", hour: 22 });
  });

  it("writes hours with two digits, as Athena's projection expects", () => {
    expect(partitionPath({ dt: "2026-11-28", hour: 7 })).toBe("dt=2026-11-28/hour=07");
    expect(partitionPath({ dt: "2026-11-28", hour: 23 })).toBe("dt=2026-11-28/hour=23");
  });
});

describe("config", () => {
  it("parses bounds as durations", () => {
    expect(parseDuration("7d", "X")).toBe(604_800_000);
    expect(parseDuration("36h", "X")).toBe(129_600_000);
    expect(parseDuration("250", "X")).toBe(250);
    expect(() => parseDuration("7 days", "LATE_EVENT_BOUND")).toThrow(/LATE_EVENT_BOUND/);
  });

  it("resolves defaults once and rejects a missing bucket", () => {
    expect(resolveSinkConfig({ SINK_BUCKET: "b", SINK_PREFIX: "/runs/1/" })).toEqual({
      bucket: "b",
      prefix: "runs/1",
      partitioning: bounds,
      reportBatchItemFailures: false,
      putConcurrency: 8,
    });
    expect(() => resolveSinkConfig({})).toThrow(/SINK_BUCKET is required/);
    expect(() => resolveSinkConfig({ SINK_BUCKET: "b", REPORT_BATCH_ITEM_FAILURES: "maybe" })).toThrow(
      /REPORT_BATCH_ITEM_FAILURES/,
    );
  });
});
