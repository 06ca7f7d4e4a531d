import { describe, expect, it } from "vitest";
import { converterFor, rowConverter, uniqueColumnNames } from "../src/engine/trino/convert.js";
import { parseTrinoJson } from "../src/engine/trino/json.js";
import { executeStatement, preparedStatementHeader, trinoLiteral } from "../src/engine/trino/literals.js";
import type { TrinoTypeSignature } from "../src/engine/trino/protocol.js";
import { ResultShapeError, SqlError } from "../src/errors.js";

const type = (rawType: string, ...args: TrinoTypeSignature[]): TrinoTypeSignature => ({
  rawType,
  arguments: args.map((value) => ({ kind: "TYPE" as const, value })),
});
const convert = (signature: TrinoTypeSignature, value: unknown) => converterFor(signature)(value, "c");

describe("Trino values → the row contract", () => {
  it("keeps integers beyond 2^53 exact from the JSON text, and others plain numbers", () => {
    const page = parseTrinoJson('{"data":[[9007199254740993, 42, -9223372036854775808, 1.5, 1.0E20]]}') as {
      data: unknown[][];
    };
    expect(page.data[0]).toEqual([9007199254740993n, 42, -9223372036854775808n, 1.5, 1e20]);
    expect(convert(type("bigint"), page.data[0]?.[0])).toBe(9007199254740993n);
    expect(convert(type("bigint"), 2n ** 40n)).toBe(2 ** 40);
    expect(convert(type("integer"), 7)).toBe(7);
  });

  it("reads DOUBLE and REAL, NaN and infinities included, and DECIMAL text as numbers", () => {
    expect(convert(type("double"), 0.1)).toBe(0.1);
    expect(convert(type("double"), "NaN")).toBeNaN();
    expect(convert(type("real"), "-Infinity")).toBe(-Infinity);
    expect(convert(type("decimal"), "12.345")).toBe(12.345);
  });

  it("gives DATE as the day and TIMESTAMP as ISO-8601 UTC with milliseconds, whatever the precision", () => {
    expect(convert(type("date"), "2026-11-28")).toBe("2026-11-28");
    expect(convert(type("timestamp"), "2026-11-28 10:05:00.123")).toBe("2026-11-28T10:05:00.123Z");
    expect(convert(type("timestamp"), "2026-11-28 10:05:00")).toBe("2026-11-28T10:05:00.000Z");
    expect(convert(type("timestamp"), "2026-11-28 10:05:00.123456789")).toBe("2026-11-28T10:05:00.123Z");
  });

  it("gives TIMESTAMP WITH TIME ZONE as its UTC instant, for UTC, offsets and named zones (DST included)", () => {
    const tz = type("timestamp with time zone");
    expect(convert(tz, "2026-11-28 10:05:00.000 UTC")).toBe("2026-11-28T10:05:00.000Z");
    expect(convert(tz, "2026-11-28 10:05:00.000 +05:30")).toBe("2026-11-28T04:35:00.000Z");
    expect(convert(tz, "2026-11-28 10:05:00.000 America/Sao_Paulo")).toBe("2026-11-28T13:05:00.000Z");
    expect(convert(tz, "2026-07-01 12:00:00.000 Europe/Berlin")).toBe("2026-07-01T10:00:00.000Z");
    expect(convert(tz, "2026-01-01 12:00:00.000 Europe/Berlin")).toBe("2026-01-01T11:00:00.000Z");
  });

  it("converts inside ARRAY, MAP and ROW, and VARBINARY to bytes", () => {
    expect(convert(type("array", type("timestamp")), ["2026-11-28 10:05:00.000", null])).toEqual([
      "2026-11-28T10:05:00.000Z",
      null,
    ]);
    expect(convert(type("map", type("varchar"), type("double")), { a: "NaN" })).toEqual({ a: Number.NaN });
    const row: TrinoTypeSignature = {
      rawType: "row",
      arguments: [
        { kind: "NAMED_TYPE", value: { fieldName: { name: "at" }, typeSignature: type("date") } },
        { kind: "NAMED_TYPE", value: { fieldName: null, typeSignature: type("bigint") } },
      ],
    };
    expect(convert(row, ["2026-11-28", 1])).toEqual({ at: "2026-11-28", field1: 1 });
    expect(convert(type("varbinary"), "AQI=")).toEqual(new Uint8Array([1, 2]));
  });

  it("passes NULL through for every type, and text types as text", () => {
    for (const raw of ["bigint", "double", "timestamp", "date", "array", "varchar", "json"]) {
      expect(convert(type(raw, type("integer")), null)).toBeNull();
    }
    expect(convert(type("json"), '{"a":1}')).toBe('{"a":1}');
    expect(convert(type("time"), "10:00:00.000")).toBe("10:00:00.000");
  });

  it("fails with ResultShapeError, naming the column, on a value that does not fit its type", () => {
    expect(() => convert(type("timestamp"), "yesterday")).toThrow(ResultShapeError);
    expect(() => converterFor(type("integer"))(1.5, "n")).toThrow(/column n: Trino sent "1.5" for type integer/);
    expect(() => convert(type("timestamp with time zone"), "2026-11-28 10:05:00.000 Mars/Olympus")).toThrow(
      ResultShapeError,
    );
  });

  it("names columns like the local engine: a repeated name gets :1, :2", () => {
    expect(uniqueColumnNames([{ name: "a" }, { name: "b" }, { name: "a" }, { name: "a" }])).toEqual([
      "a",
      "b",
      "a:1",
      "a:2",
    ]);
    const rows = rowConverter([
      { name: "n", type: "integer", typeSignature: type("integer") },
      { name: "n", type: "date", typeSignature: type("date") },
    ])([[1, "2026-11-28"]]);
    expect(rows).toEqual([{ n: 1, "n:1": "2026-11-28" }]);
  });
});

describe("parameters as Trino literals", () => {
  it("quotes strings so that nothing in them can end the literal", () => {
    expect(trinoLiteral("it's")).toBe("'it''s'");
    expect(trinoLiteral("'; DROP TABLE x; --")).toBe("'''; DROP TABLE x; --'");
    expect(trinoLiteral("back\\slash")).toBe("'back\\slash'");
    expect(() => trinoLiteral("nul\u0000")).toThrow(SqlError);
  });

  it("types numbers like Trino's own literals, DOUBLE for fractions", () => {
    expect(trinoLiteral(7)).toBe("7");
    expect(trinoLiteral(-(2 ** 31))).toBe("-2147483648");
    expect(trinoLiteral(2 ** 31)).toBe("BIGINT '2147483648'");
    expect(trinoLiteral(0.5)).toBe("DOUBLE '0.5'");
    expect(trinoLiteral(1e-7)).toBe("DOUBLE '1e-7'");
    expect(trinoLiteral(Number.NaN)).toBe("nan()");
    expect(trinoLiteral(-Infinity)).toBe("-infinity()");
    expect(trinoLiteral(2n ** 62n)).toBe("BIGINT '4611686018427387904'");
    expect(trinoLiteral(true)).toBe("TRUE");
    expect(trinoLiteral(null)).toBe("NULL");
  });

  it("builds the prepared statement header and the EXECUTE that uses it", () => {
    expect(preparedStatementHeader("q", "SELECT * FROM t WHERE a = ? AND b = '+'")).toBe(
      "q=SELECT%20*%20FROM%20t%20WHERE%20a%20%3D%20%3F%20AND%20b%20%3D%20'%2B'",
    );
    expect(() => preparedStatementHeader("q; DROP", "SELECT 1")).toThrow(SqlError);
    expect(executeStatement("q", [])).toBe("EXECUTE q");
    expect(executeStatement("q", ["x", 1, null])).toBe("EXECUTE q USING 'x', 1, NULL");
  });
});
