import { describe, expect, it } from "vitest";
import { compareRows, hasTopLevelOrderBy } from "../src/fidelity/compare.js";

describe("hasTopLevelOrderBy", () => {
  it("sees only an ORDER BY outside parentheses, strings and comments", () => {
    expect(hasTopLevelOrderBy("SELECT a FROM t ORDER BY a")).toBe(true);
    expect(hasTopLevelOrderBy("select a from t\norder   by a desc")).toBe(true);
    expect(hasTopLevelOrderBy("SELECT row_number() OVER (ORDER BY a) FROM t")).toBe(false);
    expect(hasTopLevelOrderBy("SELECT * FROM (SELECT a FROM t ORDER BY a) s")).toBe(false);
    expect(hasTopLevelOrderBy("SELECT 'order by' AS x FROM t -- order by a")).toBe(false);
    expect(hasTopLevelOrderBy('SELECT "order by" FROM t')).toBe(false);
    expect(hasTopLevelOrderBy("SELECT reorder by FROM t")).toBe(false);
  });
});

describe("compareRows", () => {
  it("accepts the same rows in another order when order is not defined, not when it is", () => {
    const a = [{ x: 1 }, { x: 2 }];
    const b = [{ x: 2 }, { x: 1 }];
    expect(compareRows(a, b, false)).toEqual([]);
    expect(compareRows(a, b, true)).toEqual(['row 0 (x): {"x":1} vs {"x":2}', 'row 1 (x): {"x":2} vs {"x":1}']);
  });

  it("keeps duplicates: a row twice is not the same as once", () => {
    expect(compareRows([{ x: 1 }, { x: 1 }], [{ x: 1 }], false)).toContain("row counts differ: 2 vs 1");
  });

  it("tolerates the last bits of a double sum, not a real difference, and never on integers", () => {
    expect(compareRows([{ s: 179.8 }], [{ s: 179.79999999999998 }], true)).toEqual([]);
    expect(compareRows([{ s: 179.8 }], [{ s: 179.81 }], true)).toHaveLength(1);
    expect(compareRows([{ n: 3.5 }], [{ n: 3 }], true)).toEqual(['row 0 (n): {"n":3.5} vs {"n":3}']);
    expect(compareRows([{ n: 2 ** 53 + 2 }], [{ n: 2 ** 53 }], true)).toHaveLength(1);
  });

  it("compares types strictly: '1' is not 1, null is not 0, bigint is not number", () => {
    expect(compareRows([{ v: "1" }], [{ v: 1 }], true)).toHaveLength(1);
    expect(compareRows([{ v: null }], [{ v: 0 }], true)).toHaveLength(1);
    expect(compareRows([{ v: 9007199254740993n }], [{ v: 9007199254740993n }], true)).toEqual([]);
    expect(compareRows([{ v: 9007199254740993n }], [{ v: 9007199254740992 }], true)).toHaveLength(1);
    expect(compareRows([{ v: Number.NaN }], [{ v: Number.NaN }], true)).toEqual([]);
    expect(compareRows([{ v: new Uint8Array([1]) }], [{ v: new Uint8Array([2]) }], true)).toHaveLength(1);
  });

  it("reports different columns or column order first", () => {
    expect(compareRows([{ a: 1, b: 2 }], [{ b: 2, a: 1 }], false)).toEqual(['columns differ: ["a","b"] vs ["b","a"]']);
  });
});
