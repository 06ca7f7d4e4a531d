import { DeadLetter } from "@shop/event-schema";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { describe, expect, it } from "vitest";
import { createRecordDecoder } from "../../src/core/decode.js";
import { collectFixture, expectedFixtureRows, validWireFixtures } from "../support/contract-fixtures.js";
import { mskRecord } from "../support/msk.js";

const decode = createRecordDecoder();
const deadLetterCheck = TypeCompiler.Compile(DeadLetter);
const kafkaTs = Date.parse("2026-11-28T12:34:56.789Z");

function rejected(value: string | null, record = mskRecord("events.raw", 3, 41, value, kafkaTs)) {
  const decoded = decode(record);
  if (decoded.ok) throw new Error("expected a dead letter");
  expect(deadLetterCheck.Check(decoded.deadLetter), "dead letter matches the contract").toBe(true);
  return decoded.deadLetter;
}

describe("createRecordDecoder", () => {
  it("maps every contract fixture to the contract's expected storage row", () => {
    expect(validWireFixtures).toHaveLength(expectedFixtureRows.length);
    validWireFixtures.forEach((fixture, i) => {
      const decoded = decode(mskRecord("events.raw", 0, i, JSON.stringify(collectFixture(fixture))));
      expect(decoded.ok, fixture.name).toBe(true);
      if (decoded.ok) expect(decoded.row, fixture.name).toEqual(expectedFixtureRows[i]);
    });
  });

  it("dead-letters a value that is not JSON, keeping the text and where it came from", () => {
    const dl = rejected("{not json");
    expect(dl).toMatchObject({
      v: 1,
      stage: "sink",
      reason: { code: "not_json", topic: "events.raw", partition: 3, offset: 41 },
      receivedAt: "2026-11-28T12:34:56.789Z",
      original: "{not json",
    });
    expect(dl).not.toHaveProperty("sourceId");
  });

  it("dead-letters a collected event without messageId, naming the path, with the collector's receivedAt", () => {
    const collected = collectFixture(validWireFixtures[0] as (typeof validWireFixtures)[0]);
    const { messageId: _dropped, ...event } = collected.event;
    const text = JSON.stringify({ ...collected, event });
    const dl = rejected(text);
    expect(dl.reason).toMatchObject({ code: "not_collected_event", path: "/event/messageId" });
    expect(dl.receivedAt).toBe(collected.receivedAt);
    expect(dl.sourceId).toBe("fixture-source");
    expect(dl.original).toBe(text);
  });

  it("rejects timestamps that are not RFC 3339 date-times", () => {
    const collected = collectFixture(validWireFixtures[1] as (typeof validWireFixtures)[0]);
    for (const eventTs of ["2026-11-28 10:00:00", "2026-13-01T00:00:00Z", "yesterday"]) {
      const dl = rejected(JSON.stringify({ ...collected, enrichment: { ...collected.enrichment, eventTs } }));
      expect(dl.reason, eventTs).toMatchObject({ code: "not_collected_event", path: "/enrichment/eventTs" });
      // The record's own receivedAt is valid, so it is kept.
      expect(dl.receivedAt).toBe(collected.receivedAt);
    }
  });

  it("rejects a collected event of another envelope version", () => {
    const collected = collectFixture(validWireFixtures[1] as (typeof validWireFixtures)[0]);
    expect(rejected(JSON.stringify({ ...collected, v: 2 })).reason).toMatchObject({
      code: "not_collected_event",
      path: "/v",
    });
  });

  it("dead-letters tombstones and non-UTF-8 bytes (kept as base64)", () => {
    expect(rejected(null).reason.code).toBe("empty_value");
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString("base64");
    const dl = rejected(null, { ...mskRecord("events.raw", 0, 7, null, kafkaTs), value: bytes });
    expect(dl.reason.code).toBe("not_utf8");
    expect(dl.original).toBe(bytes);
  });

  it("dead-letters JSON that is not an object", () => {
    for (const text of ["[]", "42", "null", '"x"'])
      expect(rejected(text).reason.code, text).toBe("not_collected_event");
  });
});
