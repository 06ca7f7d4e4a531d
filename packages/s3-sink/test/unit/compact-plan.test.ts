import { describe, expect, it } from "vitest";
import { earliestCompaction, isCompactedKey, manifestKey, planCompaction } from "../../src/compact/plan.js";

const partition = { dt: "2026-11-28", hour: 10 };
const folder = "run/events/dt=2026-11-28/hour=10/";
const small = (topic: string, p: number, first: number, size = 1000) => ({
  key: `${folder}${topic}+${p}+${String(first).padStart(20, "0")}+${String(first + 9).padStart(20, "0")}.zstd.parquet`,
  size,
});
const options = { prefix: "run", partition, createdAt: new Date("2026-12-10T00:00:00Z") };

describe("planCompaction", () => {
  it("reads compacted files first, then small files by topic, partition and offset", () => {
    const compacted = { key: `${folder}compacted+abc+0000.zstd.parquet`, size: 5000 };
    const listing = [small("t", 1, 100), small("t", 0, 200), small("t", 0, 30), compacted, small("a", 2, 0)];
    const plan = planCompaction(listing, options);
    expect(plan?.inputs.map((i) => i.key)).toEqual([
      compacted.key,
      small("a", 2, 0).key,
      small("t", 0, 30).key,
      small("t", 0, 200).key,
      small("t", 1, 100).key,
    ]);
  });

  it("groups inputs into outputs by summed size, and names them after the inputs", () => {
    const listing = Array.from({ length: 10 }, (_, i) => small("t", 0, i * 10, 300));
    const plan = planCompaction(listing, { ...options, targetBytes: 1000 });
    expect(plan?.outputs.map((o) => o.inputs.length)).toEqual([3, 3, 3, 1]);
    for (const output of plan?.outputs ?? []) {
      expect(output.key).toMatch(
        /^run\/events\/dt=2026-11-28\/hour=10\/compacted\+[0-9a-f]{16}\+\d{4}\.zstd\.parquet$/,
      );
      expect(isCompactedKey(output.key)).toBe(true);
    }
    // Same inputs, same names (a re-run rewrites the same keys); one more input, new names.
    expect(planCompaction([...listing].reverse(), { ...options, targetBytes: 1000 })?.outputs).toEqual(plan?.outputs);
    const more = planCompaction([...listing, small("t", 0, 500)], { ...options, targetBytes: 1000 });
    expect(more?.outputs[0]?.key).not.toBe(plan?.outputs[0]?.key);
  });

  it("has nothing to do for an empty hour or one already compacted, and ignores other files and folders", () => {
    expect(planCompaction([], options)).toBeUndefined();
    expect(planCompaction([{ key: `${folder}compacted+abc+0000.zstd.parquet`, size: 1 }], options)).toBeUndefined();
    const plan = planCompaction(
      [small("t", 0, 0), { key: `${folder}notes.txt`, size: 1 }, { key: `${folder}sub/x.zstd.parquet`, size: 1 }],
      options,
    );
    expect(plan?.inputs.map((i) => i.key)).toEqual([small("t", 0, 0).key]);
  });

  it("keeps its manifest outside the events table", () => {
    expect(manifestKey("run", partition)).toBe("run/_compaction/dt=2026-11-28/hour=10/manifest.json");
    expect(manifestKey("", partition)).toBe("_compaction/dt=2026-11-28/hour=10/manifest.json");
  });
});

describe("earliestCompaction", () => {
  it("is the hour's end plus the late-event bound plus the delivery delay", () => {
    expect(
      earliestCompaction(partition, { lateEventBoundMs: 7 * 86_400_000, maxDeliveryDelayMs: 86_400_000 }).toISOString(),
    ).toBe("2026-12-06T11:00:00.000Z");
    expect(earliestCompaction({ dt: "2026-12-31", hour: 23 }, { lateEventBoundMs: 0, maxDeliveryDelayMs: 0 })).toEqual(
      new Date("2027-01-01T00:00:00Z"),
    );
  });
});
