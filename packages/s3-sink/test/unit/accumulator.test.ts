import { describe, expect, it } from "vitest";
import { BatchAccumulator, splitOnFailures } from "../../src/local/accumulator.js";
import { mskRecord } from "../support/msk.js";

const thresholds = { maxRecords: 3, maxBytes: 1_000, maxWaitMs: 500 };

describe("BatchAccumulator", () => {
  it("is due at the record count, the byte size or the batching window, whichever comes first", () => {
    const byCount = new BatchAccumulator(thresholds, "b:1");
    for (const o of [0, 1]) byCount.add(mskRecord("t", 0, o, "v"), 0);
    expect(byCount.isDue(0)).toBe(false);
    expect(byCount.isFull()).toBe(false);
    byCount.add(mskRecord("t", 1, 0, "v"), 0);
    expect(byCount.isFull()).toBe(true);
    expect(byCount.isDue(0)).toBe(true);

    const bySize = new BatchAccumulator(thresholds, "b:1");
    bySize.add(mskRecord("t", 0, 0, "x".repeat(800)), 0);
    expect(bySize.isDue(0)).toBe(true);

    const byTime = new BatchAccumulator(thresholds, "b:1");
    expect(byTime.isDue(10_000)).toBe(false);
    byTime.add(mskRecord("t", 0, 0, "v"), 100);
    expect(byTime.isDue(599)).toBe(false);
    expect(byTime.isDue(600)).toBe(true);
    expect(byTime.isFull()).toBe(false);
  });

  it("hands over a Lambda-shaped event and the offsets to commit after it", () => {
    const acc = new BatchAccumulator(thresholds, "127.0.0.1:19092");
    acc.add(mskRecord("t", 0, 7, "a"), 0);
    acc.add(mskRecord("t", 2, 40, "b"), 0);
    acc.add(mskRecord("t", 0, 9, "c"), 0);
    const batch = acc.take();
    expect(batch?.event.bootstrapServers).toBe("127.0.0.1:19092");
    expect(Object.keys(batch?.event.records ?? {})).toEqual(["t-0", "t-2"]);
    expect(batch?.event.records["t-0"]?.map((r) => r.offset)).toEqual([7, 9]);
    expect(batch?.commits).toEqual([
      { topic: "t", partition: 0, offset: 10 },
      { topic: "t", partition: 2, offset: 41 },
    ]);
    expect(acc.take()).toBeUndefined();
    expect(acc.isDue(10_000)).toBe(false);
  });

  it("skips re-delivered offsets until reset after a rebalance", () => {
    const acc = new BatchAccumulator(thresholds, "b:1");
    acc.add(mskRecord("t", 0, 5, "a"), 0);
    acc.add(mskRecord("t", 0, 5, "a"), 0);
    acc.add(mskRecord("t", 0, 4, "z"), 0);
    expect(acc.recordCount).toBe(1);
    expect(acc.bufferedUpTo({ topic: "t", partition: 0 })).toBe(6);
    acc.reset();
    acc.add(mskRecord("t", 0, 4, "z"), 0);
    expect(acc.take()?.commits).toEqual([{ topic: "t", partition: 0, offset: 5 }]);
  });
});

describe("splitOnFailures", () => {
  const acc = new BatchAccumulator({ ...thresholds, maxRecords: 100 }, "b:1");
  for (const o of [10, 11, 12]) acc.add(mskRecord("t", 0, o, "v"), 0);
  for (const o of [3, 4]) acc.add(mskRecord("t", 1, o, "v"), 0);
  const batch = acc.take();
  if (!batch) throw new Error("no batch");

  it("commits everything when nothing failed", () => {
    expect(splitOnFailures(batch, [])).toEqual({ committable: batch.commits, retry: undefined });
  });

  it("commits up to the failed record and retries the partition from there", () => {
    const { committable, retry } = splitOnFailures(batch, [{ itemIdentifier: "t-0-11" }]);
    expect(committable).toEqual([
      { topic: "t", partition: 0, offset: 11 },
      { topic: "t", partition: 1, offset: 5 },
    ]);
    expect(retry?.event.records["t-0"]?.map((r) => r.offset)).toEqual([11, 12]);
    expect(retry?.commits).toEqual([{ topic: "t", partition: 0, offset: 13 }]);
  });

  it("retries the whole batch when an identifier names no record, as Lambda does", () => {
    expect(splitOnFailures(batch, [{ itemIdentifier: "t-0-99" }])).toEqual({ committable: [], retry: batch });
  });
});
