import { columnValues } from "@shop/event-schema";
import { describe, expect, it } from "vitest";
import { bindQuestion, loadCatalogue, questionFrom } from "../src/catalogue/catalogue.js";
import { parseQuestionHeader } from "../src/catalogue/header.js";
import { parseParamValue, resolveParamValues } from "../src/catalogue/params.js";
import { toPositional } from "../src/catalogue/placeholders.js";
import { CatalogueError, ParamError } from "../src/errors.js";

const header = (lines: string[]) => `${lines.map((l) => `-- ${l}`).join("\n")}\nSELECT 1`;

describe("question headers", () => {
  it("declare a description and typed parameters with defaults", () => {
    const parsed = parseQuestionHeader(
      "q.sql",
      header([
        "Orders by day.",
        "Why it is written so.",
        "@param from date = today-30 : First day, inclusive.",
        "@param to date : Last day.",
        "@param device enum(contract:ua_device_type) = null : Device; all when unset.",
        "@param mode enum(fast, exact) = exact : How.",
        "@param limit integer = 20 : How many.",
        "@param currency string = EUR : Currency.",
      ]),
    );
    expect(parsed.description).toBe("Orders by day.");
    expect(parsed.params).toEqual([
      {
        name: "from",
        type: { kind: "date" },
        default: { kind: "today", offsetDays: 30 },
        description: "First day, inclusive.",
      },
      { name: "to", type: { kind: "date" }, description: "Last day." },
      {
        name: "device",
        type: { kind: "enum", values: [...columnValues.ua_device_type] },
        default: { kind: "null" },
        description: "Device; all when unset.",
      },
      {
        name: "mode",
        type: { kind: "enum", values: ["fast", "exact"] },
        default: { kind: "value", value: "exact" },
        description: "How.",
      },
      { name: "limit", type: { kind: "integer" }, default: { kind: "value", value: 20 }, description: "How many." },
      {
        name: "currency",
        type: { kind: "string" },
        default: { kind: "value", value: "EUR" },
        description: "Currency.",
      },
    ]);
  });

  it.each([
    [["@param from date : x"], "the first comment line must describe the question"],
    [
      ["Doc.", "@param from datetime : x"],
      'expected "@param <name> <date|string|integer|enum(...)> [= default] : <description>"',
    ],
    [["Doc.", "@param from date = yesterday : x"], 'default "yesterday" is not a valid date'],
    [["Doc.", "@param n integer = 1.5 : x"], 'default "1.5" is not a valid integer'],
    [["Doc.", "@param c enum(contract:colour) : x"], 'the contract lists no values for "colour"'],
    [["Doc.", "@param c enum(a, a) : x"], "enum values repeat"],
    [["Doc.", "@param x date : a", "@param x date : b"], "parameter x declared twice"],
  ])("a bad header %j fails with CatalogueError", (lines, message) => {
    expect(() => parseQuestionHeader("q.sql", header(lines))).toThrow(CatalogueError);
    expect(() => parseQuestionHeader("q.sql", header(lines))).toThrow(message);
  });
});

describe("parameter values", () => {
  const now = new Date("2026-12-01T23:59:59Z");
  const specs = parseQuestionHeader(
    "q.sql",
    header(["Doc.", "@param from date = today-7 : a", "@param n integer : b", "@param d enum(x, y) = null : c"]),
  ).params;

  it("parse by type, fill defaults relative to today (UTC), and bind NULL for an unset optional one", () => {
    expect(resolveParamValues("q", specs, { n: "5" }, now)).toEqual({ from: "2026-11-24", n: 5, d: null });
    expect(resolveParamValues("q", specs, { from: "today", n: "0", d: "y" }, now)).toEqual({
      from: "2026-12-01",
      n: 0,
      d: "y",
    });
  });

  it("fail with ParamError naming the parameter and the accepted type", () => {
    const fail = (given: Record<string, string>) => () => resolveParamValues("q", specs, given, now);
    expect(fail({})).toThrow("q needs parameter n: integer (0 or more) (--param n=...)");
    expect(fail({ n: "x" })).toThrow('parameter n: expected integer (0 or more), got "x"');
    expect(fail({ n: "1", from: "2026-13-01" })).toThrow("parameter from: expected date");
    expect(fail({ n: "1", d: "z" })).toThrow('parameter d: expected one of x, y, got "z"');
    expect(fail({ n: "1", e: "z" })).toThrow('q has no parameter "e" (its parameters: from, n, d)');
    try {
      fail({ n: "x" })();
    } catch (error) {
      expect(error).toBeInstanceOf(ParamError);
      expect((error as ParamError).param).toBe("n");
    }
  });

  it("strings are bounded", () => {
    const spec = { name: "s", type: { kind: "string" as const }, description: "" };
    expect(parseParamValue(spec, "a'b", now)).toBe("a'b");
    expect(() => parseParamValue(spec, "", now)).toThrow(ParamError);
    expect(() => parseParamValue(spec, "x".repeat(201), now)).toThrow(ParamError);
  });
});

describe("named parameters to positional ones", () => {
  it("replace every :name outside literals and comments, in order, repeats included", () => {
    expect(
      toPositional("SELECT ':x', \"a:b\" FROM t -- :y\nWHERE (:d IS NULL OR d = :d) AND x::int > :n /* :z */"),
    ).toEqual({
      sql: "SELECT ':x', \"a:b\" FROM t -- :y\nWHERE (? IS NULL OR d = ?) AND x::int > ? /* :z */",
      order: ["d", "d", "n"],
    });
  });

  it("a question must use exactly the parameters it declares", () => {
    expect(() => questionFrom("q", "-- Doc.\n-- @param a date : x\nSELECT :b", "SELECT :b")).toThrow(
      "sql/questions/q.sql: uses undeclared parameter(s) :b",
    );
    expect(() => questionFrom("q", "-- Doc.\n-- @param a date : x\nSELECT 1", "SELECT 1")).toThrow(
      "declares unused parameter(s) a",
    );
    expect(() => questionFrom("q", "-- Doc.\n-- @param a date : x\nSELECT :a", "SELECT 1")).toThrow(
      "sql/duckdb/questions/q.sql: declares unused parameter(s) a",
    );
  });

  it("binding follows each dialect's own order", () => {
    const question = questionFrom(
      "q",
      "-- Doc.\n-- @param a integer : x\n-- @param b integer : y\nSELECT date_add('day', :a, :b)",
      "SELECT :b + :a",
    );
    expect(bindQuestion(question, { a: 1, b: 2 }, "athena")).toEqual({
      sql: "SELECT date_add('day', ?, ?)",
      params: [1, 2],
    });
    expect(bindQuestion(question, { a: 1, b: 2 }, "duckdb")).toEqual({ sql: "SELECT ? + ?", params: [2, 1] });
  });
});

describe("the catalogue", () => {
  it("every question has a one-line description and typed, documented parameters", () => {
    for (const question of loadCatalogue()) {
      expect(question.description.length).toBeGreaterThan(20);
      expect(question.description).not.toContain("\n");
      for (const param of question.params) expect(param.description).not.toBe("");
    }
  });

  it("Athena's form has the contract's names filled in and no parameter spliced", () => {
    const funnel = loadCatalogue().find((q) => q.name === "funnel_sessions");
    expect(funnel?.athenaSql).not.toMatch(/\{\{|:from|:to/);
    expect(funnel?.athenaParamOrder).toEqual(["from", "to", "channel", "channel", "device", "device"]);
    const products = loadCatalogue().find((q) => q.name === "top_products");
    expect(products?.athenaSql).toContain("event_name = 'Product Viewed'");
  });
});
