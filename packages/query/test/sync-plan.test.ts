import { describe, expect, it } from "vitest";
import { emptyManifest, isTableDataKey, planSync, selectPartitions } from "../src/sync/plan.js";
import { eventsTable, sessionsTable } from "../src/tables.js";

describe("selectPartitions", () => {
  const root = "p/events/";
  const prefixes = [
    "p/events/dt=2026-11-27/",
    "p/events/dt=2026-11-28/",
    "p/events/dt=2026-11-29/",
    "p/events/_temporary/",
    "p/events/dt=2026-13-01/",
    "p/events/dt=latest/",
    "p/other/dt=2026-11-28/",
  ];

  it("keeps valid dt partitions of the table, sorted", () => {
    expect(selectPartitions(root, prefixes)).toEqual([
      "p/events/dt=2026-11-27/",
      "p/events/dt=2026-11-28/",
      "p/events/dt=2026-11-29/",
    ]);
  });

  it("applies an inclusive day range", () => {
    expect(selectPartitions(root, prefixes, { from: "2026-11-28" })).toEqual([
      "p/events/dt=2026-11-28/",
      "p/events/dt=2026-11-29/",
    ]);
    expect(selectPartitions(root, prefixes, { from: "2026-11-28", to: "2026-11-28" })).toEqual([
      "p/events/dt=2026-11-28/",
    ]);
  });
});

describe("isTableDataKey", () => {
  it.each([
    ["p/events/dt=2026-11-28/hour=10/a.parquet", true],
    ["p/events/dt=2026-11-28/hour=00/events+0+000042.zstd.parquet", true],
    ["p/events/dt=2026-11-28/hour=10/_SUCCESS", false],
    ["p/events/dt=2026-11-28/hour=10/.a.parquet.crc", false],
    ["p/events/dt=2026-11-28/hour=10/_a.parquet", false],
    ["p/events/dt=2026-11-28/hour=10/_temporary/0/a.parquet", false],
    ["p/events/dt=2026-11-28/hour=24/a.parquet", false],
    ["p/events/dt=2026-11-28/hour=7/a.parquet", false],
    ["p/events/dt=2026-11-28/a.parquet", false],
    ["p/events/dt=2026-11-28/hour=10/a.json", false],
    ["p/events/hour=10/dt=2026-11-28/a.parquet", false],
  ])("events: %s → %s", (key, expected) => {
    expect(isTableDataKey("p/events/", eventsTable, key)).toBe(expected);
  });

  it.each([
    ["sessions/dt=2026-11-28/part-00000-abc.snappy.parquet", true],
    ["sessions/dt=2026-11-28/_SUCCESS", false],
    ["sessions/dt=2026-11-28/.part-00000-abc.snappy.parquet.crc", false],
    ["sessions/dt=2026-11-28/hour=10/part-0.parquet", false],
  ])("sessions: %s → %s", (key, expected) => {
    expect(isTableDataKey("sessions/", sessionsTable, key)).toBe(expected);
  });
});

describe("planSync", () => {
  const a = { key: "events/dt=2026-11-28/hour=10/a.parquet", etag: "e1", size: 10 };
  const b = { key: "events/dt=2026-11-28/hour=10/b.parquet", etag: "e2", size: 20 };
  const manifest = {
    version: 1 as const,
    objects: {
      [a.key]: { etag: "e1", size: 10 },
      [b.key]: { etag: "old", size: 20 },
      "events/dt=2026-11-27/hour=10/gone.parquet": { etag: "e3", size: 5 },
    },
  };

  it("keeps same ETag and size, downloads changed and new, removes what the store no longer has", () => {
    const c = { key: "events/dt=2026-11-29/hour=00/c.parquet", etag: "e4", size: 1 };
    const plan = planSync([a, b, c], manifest, () => true);
    expect(plan.keep).toEqual([a]);
    expect(plan.download).toEqual([b, c]);
    expect(plan.remove).toEqual(["events/dt=2026-11-27/hour=10/gone.parquet"]);
  });

  it("downloads again what the manifest knows but the disk lost", () => {
    const plan = planSync([a], manifest, (key) => key !== a.key);
    expect(plan.download).toEqual([a]);
  });

  it("downloads everything into an empty cache", () => {
    expect(planSync([a, b], emptyManifest(), () => false)).toEqual({ download: [a, b], keep: [], remove: [] });
  });
});
