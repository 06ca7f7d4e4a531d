import { describe, expect, it } from "vitest";
import { planBatch, renderDeadLetters } from "../../src/core/batch-plan.js";
import { createRecordDecoder } from "../../src/core/decode.js";
import { collectFixture, validWireFixtures } from "../support/contract-fixtures.js";
import { collectedRecord, mskEvent, mskRecord } from "../support/msk.js";

const options = {
  decode: createRecordDecoder(),
  prefix: "run",
  partitioning: { lateEventBoundMs: 7 * 86_400_000, futureEventBoundMs: 15 * 60_000 },
};

const at = (iso: string, id: string) => {
  const collected = collectFixture(validWireFixtures[1] as (typeof validWireFixtures)[0]);
  return {
    ...collected,
    receivedAt: iso,
    enrichment: { ...collected.enrichment, eventTs: iso },
    event: { ...collected.event, messageId: id },
  };
};

describe("planBatch", () => {
  it("writes one object per hour per topic-partition, named by the partition's whole offset range", () => {
    const event = mskEvent([
      collectedRecord("t", 0, 10, at("2026-11-28T09:59:00.000Z", "a")),
      collectedRecord("t", 0, 11, at("2026-11-28T10:00:00.000Z", "b")),
      mskRecord("t", 0, 12, "oops", Date.parse("2026-11-28T10:00:01.000Z")),
      collectedRecord("t", 0, 13, at("2026-11-28T09:30:00.000Z", "c")),
      collectedRecord("t", 2, 5, at("2026-11-28T10:15:00.000Z", "d")),
    ]);
    const plans = planBatch(event, options);
    expect(plans.map((p) => p.range)).toEqual([
      { topic: "t", partition: 0, firstOffset: 10, lastOffset: 13 },
      { topic: "t", partition: 2, firstOffset: 5, lastOffset: 5 },
    ]);
    const summary = plans[0]?.objects.map((o) => ({
      key: o.key,
      ids:
        o.kind === "data"
          ? o.rows.map((r) => r.event_id)
          : o.deadLetters.map((d) => (d.reason as { offset?: number }).offset),
    }));
    const range0 = "t+0+00000000000000000010+00000000000000000013";
    expect(summary).toEqual([
      { key: `run/events/dt=2026-11-28/hour=09/${range0}.zstd.parquet`, ids: ["a", "c"] },
      { key: `run/events/dt=2026-11-28/hour=10/${range0}.zstd.parquet`, ids: ["b"] },
      { key: `run/dead-letter/sink/dt=2026-11-28/hour=10/${range0}.jsonl`, ids: [12] },
    ]);
    expect(plans[1]?.objects.map((o) => o.key)).toEqual([
      "run/events/dt=2026-11-28/hour=10/t+2+00000000000000000005+00000000000000000005.zstd.parquet",
    ]);
  });

  it("orders records by offset even when the event lists them out of order", () => {
    const records = [
      collectedRecord("t", 1, 3, at("2026-11-28T10:00:03.000Z", "x3")),
      collectedRecord("t", 1, 1, at("2026-11-28T10:00:01.000Z", "x1")),
      collectedRecord("t", 1, 2, at("2026-11-28T10:00:02.000Z", "x2")),
    ];
    const [plan] = planBatch({ eventSource: "aws:kafka", records: { "t-1": records } }, options);
    const [object] = plan?.objects ?? [];
    expect(object?.kind === "data" && object.rows.map((r) => r.event_id)).toEqual(["x1", "x2", "x3"]);
    expect(plan?.range).toMatchObject({ firstOffset: 1, lastOffset: 3 });
  });

  it("renders dead letters as one JSON object per line", () => {
    const [plan] = planBatch(mskEvent([mskRecord("t", 0, 1, "x"), mskRecord("t", 0, 2, "y")]), options);
    const object = plan?.objects[0];
    if (object?.kind !== "dead-letter") throw new Error("expected dead letters");
    const lines = renderDeadLetters(object.deadLetters).split("\n");
    expect(lines.at(-1)).toBe("");
    expect(lines.slice(0, -1).map((l) => JSON.parse(l).original)).toEqual(["x", "y"]);
  });
});
