import { describe, expect, it } from "vitest";
import { formatSummary, formatTable, toJson } from "../src/cli/format.js";

describe("formatTable", () => {
  it("aligns columns, numbers to the right, and counts rows", () => {
    expect(
      formatTable([
        { event_type: "track", events: 5, last: null },
        { event_type: "identify", events: 12, last: "2026-11-28T10:00:00.000Z" },
      ]),
    ).toBe(
      [
        "event_type  events  last",
        "----------  ------  ------------------------",
        "track            5  NULL",
        "identify        12  2026-11-28T10:00:00.000Z",
        "(2 rows)",
        "",
      ].join("\n"),
    );
  });

  it("says so when there are no rows", () => {
    expect(formatTable([])).toBe("(0 rows)\n");
  });

  it("prints nested values and big integers as JSON text", () => {
    expect(formatTable([{ v: { a: [1n, 2] } }])).toContain('{"a":["1",2]}');
  });
});

describe("toJson", () => {
  it("writes integers beyond 2^53 as text", () => {
    expect(JSON.parse(toJson([{ n: 9007199254740993n }]))).toEqual([{ n: "9007199254740993" }]);
  });
});

describe("formatSummary", () => {
  it("prints every section with money to two decimals", () => {
    const text = formatSummary({
      eventsByType: [{ event_type: "track", events: 5 }],
      sessions: 3,
      orders: 1,
      revenue: [{ currency: "BRL", orders: 1, grossRevenue: 179.8, refunds: -89.9, netRevenue: 89.89999999999999 }],
      firstEventAt: "2026-11-28T00:00:00.000Z",
      lastEventAt: "2026-11-29T00:00:00.000Z",
    });
    expect(text).toContain("Sessions: 3\nOrders:   1\n");
    expect(text).toContain(
      [
        "currency  orders   gross  refunds    net",
        "--------  ------  ------  -------  -----",
        "BRL            1  179.80   -89.90  89.90",
      ].join("\n"),
    );
    expect(text).toContain("Event time: 2026-11-28T00:00:00.000Z .. 2026-11-29T00:00:00.000Z");
  });
});
