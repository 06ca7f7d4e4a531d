import { describe, expect, it } from "vitest";
import { PlanWorkspace } from "../../src/columnar/storage-row-batch.js";
import { type PlannedObject, planBatch, renderDeadLetters } from "../../src/core/batch-plan.js";
import { createRecordDecoder } from "../../src/core/decode.js";
import { createRecordScanner } from "../../src/core/record-scanner.js";
import { encodeParquet } from "../../src/parquet/encode.js";
import { encodeSinkFile } from "../../src/parquet/sink-file.js";
import { collectFixture, validWireFixtures } from "../support/contract-fixtures.js";
import { generateEvents } from "../support/generated-events.js";
import { collectedRecord, mskEvent, mskRecord } from "../support/msk.js";

const reference = {
  decode: createRecordDecoder(),
  prefix: "run",
  partitioning: { lateEventBoundMs: 7 * 86_400_000, futureEventBoundMs: 15 * 60_000 },
};
/** What the handler uses: the scanner first, the reference decoder for what it gives up on. */
const options = { ...reference, scanner: createRecordScanner() };

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
          ? o.rows.stringValues("event_id")
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
    expect(object?.kind === "data" && object.rows.stringValues("event_id")).toEqual(["x1", "x2", "x3"]);
    expect(plan?.range).toMatchObject({ firstOffset: 1, lastOffset: 3 });
  });

  it("plans the same objects, byte for byte, with and without the scanner", () => {
    const texts = generateEvents(600, "eq", Date.parse("2026-11-28T09:30:00.000Z"));
    const records = texts.map((text, i) => mskRecord("t", i % 2, 1000 + i, text));
    // Records the scanner gives up on: some still become rows (reference path), some dead letters.
    records[10] = mskRecord("t", 0, 1010, (texts[10] as string).replace('"type":', ' "type" : '));
    records[11] = mskRecord("t", 1, 1011, "not json");
    records[12] = mskRecord("t", 0, 1012, null);
    records[13] = mskRecord("t", 1, 1013, (texts[13] as string).replace('"v":1', '"v":2'));
    const event = mskEvent(records);
    const render = (object: PlannedObject) =>
      object.kind === "data"
        ? { key: object.key, body: Buffer.from(encodeParquet(object.rows)).toString("base64") }
        : { key: object.key, body: renderDeadLetters(object.deadLetters) };
    const fast = planBatch(event, options);
    const slow = planBatch(event, reference);
    expect(fast.map((p) => p.objects.map(render))).toEqual(slow.map((p) => p.objects.map(render)));
    expect(fast.flatMap((p) => p.objects.map((o) => o.key.split("/").slice(2, 4).join("/")))).toContain(
      "dt=2026-11-28/hour=10",
    );
    const deadLetters = fast.flatMap((p) => p.objects.flatMap((o) => (o.kind === "dead-letter" ? o.deadLetters : [])));
    expect(deadLetters.map((d) => d.reason.code).sort()).toEqual(["empty_value", "not_collected_event", "not_json"]);
  });

  it("renders dead letters as one JSON object per line", () => {
    const [plan] = planBatch(mskEvent([mskRecord("t", 0, 1, "x"), mskRecord("t", 0, 2, "y")]), options);
    const object = plan?.objects[0];
    if (object?.kind !== "dead-letter") throw new Error("expected dead letters");
    const lines = renderDeadLetters(object.deadLetters).split("\n");
    expect(lines.at(-1)).toBe("");
    expect(lines.slice(0, -1).map((l) => JSON.parse(l).original)).toEqual(["x", "y"]);
  });

  it("reuses a workspace without a plan leaking into the next: the same event gives the same files again", () => {
    const texts = generateEvents(1_500, "reuse");
    const batchOf = (from: number, to: number, partition: number) =>
      mskEvent(texts.slice(from, to).map((text, i) => mskRecord("t", partition, from + i, text)));
    // Different sizes, hours and event mixes (307 is no multiple of the fixtures), so the second plan
    // grows and overwrites what the first one used with rows of other shapes.
    const small = batchOf(0, 307, 0);
    const large = batchOf(307, 1_500, 1);
    const files = (event: ReturnType<typeof mskEvent>, workspace?: PlanWorkspace) =>
      planBatch(event, { ...options, ...(workspace ? { workspace } : {}) }).flatMap((plan) =>
        plan.objects.map((object) =>
          object.kind === "data" ? Buffer.from(encodeSinkFile(object.rows)).toString("base64") : object.key,
        ),
      );
    const workspace = new PlanWorkspace();
    const first = files(small, workspace);
    const second = files(large, workspace);
    expect(files(small, workspace)).toEqual(first);
    expect(second).toEqual(files(large));
    expect(first).toEqual(files(small));
  });
});
