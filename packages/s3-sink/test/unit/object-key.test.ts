import { describe, expect, it } from "vitest";
import { dataObjectKey, deadLetterObjectKey, padOffset, parseObjectKey } from "../../src/core/object-key.js";
import { InvalidOffsetError } from "../../src/errors.js";

const range = { topic: "events.raw", partition: 4, firstOffset: 1200, lastOffset: 1299 };
const hour = { dt: "2026-11-28", hour: 9 };

describe("object keys", () => {
  it("name the hour partition and the offset range", () => {
    expect(dataObjectKey("runs/abc", hour, range)).toBe(
      "runs/abc/events/dt=2026-11-28/hour=09/events.raw+4+00000000000000001200+00000000000000001299.zstd.parquet",
    );
    expect(deadLetterObjectKey("", hour, range)).toBe(
      "dead-letter/sink/dt=2026-11-28/hour=09/events.raw+4+00000000000000001200+00000000000000001299.jsonl",
    );
  });

  it("sort by offset as text", () => {
    const keys = [9, 10, 100, 99_999_999_999].map((o) =>
      dataObjectKey("", hour, { ...range, firstOffset: o, lastOffset: o }),
    );
    expect([...keys].sort()).toEqual(keys);
  });

  it("refuse offsets no key can hold", () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) expect(() => padOffset(bad)).toThrow(InvalidOffsetError);
    expect(padOffset(0)).toBe("00000000000000000000");
  });

  it("parse back into the range, for topics with dashes and dots", () => {
    const tricky = { ...range, topic: "shop-a.events_raw-v2" };
    expect(parseObjectKey(dataObjectKey("p", hour, tricky))).toEqual({ kind: "data", ...tricky });
    expect(parseObjectKey(deadLetterObjectKey("p", hour, tricky))).toEqual({ kind: "dead-letter", ...tricky });
    expect(parseObjectKey("p/events/dt=2026-11-28/hour=09/_SUCCESS")).toBeUndefined();
  });
});
