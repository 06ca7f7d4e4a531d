import { describe, expect, it } from "vitest";
import { emptyManifest, isTableDataKey, listedLevels, planSync, selectPrefixes } from "../src/sync/plan.js";
import { eventsTable, type PartitionColumn, sessionsTable, type TableDefinition, tables } from "../src/tables.js";

const deadLetters = tables.find((t) => t.name === "dead_letters") as TableDefinition;
const [stage, dt] = deadLetters.partitions as [PartitionColumn, PartitionColumn];

describe("selectPrefixes", () => {
  const dtPartition = eventsTable.partitions[0] as PartitionColumn;
  const selectPartitions = (root: string, prefixes: readonly string[], range?: { from?: string; to?: string }) =>
    selectPrefixes(root, prefixes, dtPartition, range);
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

describe("selectPrefixes on the dead letters' levels", () => {
  it("lists stage folders (bare values the contract enumerates), then dt down to the range", () => {
    expect(listedLevels(deadLetters).map((p) => p.name)).toEqual(["stage", "dt"]);
    expect(listedLevels(eventsTable).map((p) => p.name)).toEqual(["dt"]);
    const stages = [
      "p/dead-letter/sink/",
      "p/dead-letter/collector/",
      "p/dead-letter/replayed/",
      "p/dead-letter/stage=sink/",
      "p/dead-letter/_tmp/",
    ];
    expect(selectPrefixes("p/dead-letter/", stages, stage)).toEqual([
      "p/dead-letter/collector/",
      "p/dead-letter/sink/",
    ]);
    const days = [
      "p/dead-letter/sink/dt=2026-11-23/",
      "p/dead-letter/sink/dt=2026-11-24/",
      "p/dead-letter/sink/2026-11-24/",
    ];
    expect(selectPrefixes("p/dead-letter/sink/", days, dt, { from: "2026-11-24" })).toEqual([
      "p/dead-letter/sink/dt=2026-11-24/",
    ]);
  });
});

describe("isTableDataKey", () => {
  it.each([
    ["p/dead-letter/sink/dt=2026-11-23/hour=10/events.raw+0+1+2.jsonl", true],
    ["p/dead-letter/processing/dt=2026-11-23/hour=00/a.jsonl", true],
    ["p/dead-letter/replayed/dt=2026-11-23/hour=10/a.jsonl", false],
    ["p/dead-letter/stage=sink/dt=2026-11-23/hour=10/a.jsonl", false],
    ["p/dead-letter/sink/dt=2026-11-23/hour=24/a.jsonl", false],
    ["p/dead-letter/sink/dt=2026-11-23/hour=10/a.parquet", false],
    ["p/dead-letter/sink/dt=2026-11-23/hour=10/.a.jsonl", false],
    ["p/dead-letter/sink/dt=2026-11-23/a.jsonl", false],
  ])("dead_letters: %s → %s", (key, expected) => {
    expect(isTableDataKey("p/dead-letter/", deadLetters, key)).toBe(expected);
  });

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
