import { describe, expect, it } from "vitest";
import { storageColumns } from "../src/storage/columns.js";
import { compareCopies, dedupRuleFor, eventsDedupRule } from "../src/storage/dedup.js";

const base = { event_id: "e-1", received_at: 1000, event_type: "track", user_id: "u", is_bot: false, page_title: "a" };
type Copy = Parameters<typeof compareCopies>[1];
const wins = (a: Copy, b: Copy) => compareCopies(eventsDedupRule, a, b) < 0 && compareCopies(eventsDedupRule, b, a) > 0;

describe("the dedup rule", () => {
  it("orders by received_at first, then every other column, leaving out the key", () => {
    expect(eventsDedupRule.key).toBe("event_id");
    expect(eventsDedupRule.order[0]).toBe("received_at");
    expect([...eventsDedupRule.order].sort()).toEqual(
      storageColumns
        .map((c) => c.name)
        .filter((n) => n !== "event_id")
        .sort(),
    );
  });

  it("the copy received first wins, whatever its other columns", () => {
    expect(wins({ ...base, received_at: 999, user_id: "z" }, base)).toBe(true);
  });

  it("in the same millisecond: the other columns in file order, nulls last", () => {
    expect(wins(base, { ...base, user_id: null })).toBe(true);
    expect(wins({ ...base, is_bot: false }, { ...base, is_bot: true })).toBe(true);
  });

  it("compares strings by code point, as Trino, DuckDB and Spark compare UTF-8 bytes", () => {
    // UTF-16 puts 😀 (a surrogate pair, 0xD83D…) before ﬁ (0xFB01); code points put it after.
    expect(wins({ ...base, page_title: "\uFB01" }, { ...base, page_title: "\u{1F600}" })).toBe(true);
    expect(wins({ ...base, page_title: "Z" }, { ...base, page_title: "Ä" })).toBe(true);
    expect(wins({ ...base, page_title: "ab" }, { ...base, page_title: "abc" })).toBe(true);
  });

  it("is total: only equal copies compare equal", () => {
    expect(compareCopies(eventsDedupRule, base, { ...base })).toBe(0);
    expect(compareCopies(eventsDedupRule, base, { ...base, page_title: "b" })).not.toBe(0);
  });

  it("needs the key and received_at", () => {
    expect(() => dedupRuleFor([{ name: "x", type: "string", nullable: true, doc: "" }])).toThrow(/event_id/);
  });
});
