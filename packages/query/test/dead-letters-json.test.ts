import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DuckDbEngine, openDuckDbEngine } from "../src/engine/local/duckdb-engine.js";
import { SqlError } from "../src/errors.js";

// The dead_letters view reads JSON lines as Athena's OpenX JSON SerDe does (by Trino's openxjson reader:
// Athena engine 3 is Trino): each expected value below is what that reader gives for the line, worked out from
// its rules (strings as themselves, objects and arrays as compact JSON in key order with `</` and control
// characters escaped, numbers as BigDecimal prints them, keys matched case-insensitively, the last
// duplicate winning, what does not read as the type NULL), not from what DuckDB happens to return.
let dir: string;
let engine: DuckDbEngine;

const place = (key: string, lines: readonly string[]): string => {
  const path = join(dir, "data", key);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, lines.map((line) => `${line}\n`).join(""));
  return path;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "shop-query-dead-letters-"));
  engine = await openDuckDbEngine({ dataDir: join(dir, "data") });
});

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const columns = async () =>
  (await engine.query("SELECT column_name, column_type FROM (DESCRIBE dead_letters)")).map(
    (r) => `${r.column_name} ${r.column_type}`,
  );

const declared = [
  "v INTEGER",
  "reason VARCHAR",
  "received_at TIMESTAMP",
  "source_id VARCHAR",
  "original VARCHAR",
  "stage VARCHAR",
  "dt VARCHAR",
  "hour INTEGER",
];

describe("dead_letters over JSON lines", () => {
  it("an empty table still has the contract's columns and types", async () => {
    expect(await columns()).toEqual(declared);
    expect(await engine.query("SELECT * FROM dead_letters")).toEqual([]);
  });

  it("reads every column as the OpenX SerDe does, and the partitions from the path", async () => {
    const sink = place("dead-letter/sink/dt=2026-11-23/hour=10/events.raw+0+1+6.jsonl", [
      // As the S3 sink writes them (JSON.stringify of the contract's DeadLetter).
      '{"v":1,"stage":"sink","reason":{"code":"not_json","message":"Unexpected token","topic":"events.raw","partition":0,"offset":7},"receivedAt":"2026-11-23T10:30:00.000Z","original":"{oops"}',
      '{"v":1,"stage":"sink","reason":{"code":"not_collected_event","message":"</script> \\u001f"},"receivedAt":"2026-11-23T12:30:00.000+02:00","sourceId":"web","original":{"v":1,"event":{"path":"/a\\\\u001Fb"}}}',
      // Another writer's spellings: key case, a duplicate key, numbers as text, a number for text.
      '{"V":"2","REASON":"plain text","RECEIVEDAT":"2026-11-23T10:45:00Z","sourceid":"first","SourceId":"second","original":1e+21}',
      '{"v":1.9,"reason":{},"receivedAt":1795430400123,"original":[1,"a",null,true],"sourceId":null}',
      '{"v":1,"reason":{"code":"x"},"receivedAt":1795430400}',
      '{"v":1,"reason":{"code":"x"},"receivedAt":"not a time","original":true}',
    ]);
    const collector = place("dead-letter/collector/dt=2026-11-24/hour=09/c.jsonl", [
      '{"v":1,"stage":"collector","reason":{"code":"invalid_event","message":"m"},"receivedAt":"2026-11-24T09:00:00.000Z","original":{"b":1,"a":2}}',
    ]);
    await engine.bindTables({ dead_letters: [sink, collector] });
    expect(await columns()).toEqual(declared);
    expect(await engine.query("SELECT * FROM dead_letters ORDER BY stage DESC, v, received_at, reason")).toEqual([
      {
        v: 1,
        reason: '{"code":"not_collected_event","message":"<\\/script> \\u001f"}',
        received_at: "2026-11-23T10:30:00.000Z",
        source_id: "web",
        original: '{"v":1,"event":{"path":"/a\\\\u001Fb"}}',
        stage: "sink",
        dt: "2026-11-23",
        hour: 10,
      },
      {
        v: 1,
        reason: '{"code":"not_json","message":"Unexpected token","topic":"events.raw","partition":0,"offset":7}',
        received_at: "2026-11-23T10:30:00.000Z",
        source_id: null,
        original: "{oops",
        stage: "sink",
        dt: "2026-11-23",
        hour: 10,
      },
      {
        v: 1,
        reason: '{"code":"x"}',
        received_at: "2026-11-23T10:40:00.000Z",
        source_id: null,
        original: null,
        stage: "sink",
        dt: "2026-11-23",
        hour: 10,
      },
      {
        v: 1,
        reason: "{}",
        received_at: "2026-11-23T10:40:00.123Z",
        source_id: null,
        original: '[1,"a",null,true]',
        stage: "sink",
        dt: "2026-11-23",
        hour: 10,
      },
      {
        v: 1,
        reason: '{"code":"x"}',
        received_at: null,
        source_id: null,
        original: "true",
        stage: "sink",
        dt: "2026-11-23",
        hour: 10,
      },
      {
        v: 2,
        reason: "plain text",
        received_at: "2026-11-23T10:45:00.000Z",
        source_id: "second",
        original: "1E+21",
        stage: "sink",
        dt: "2026-11-23",
        hour: 10,
      },
      {
        v: 1,
        reason: '{"code":"invalid_event","message":"m"}',
        received_at: "2026-11-24T09:00:00.000Z",
        source_id: null,
        original: '{"b":1,"a":2}',
        stage: "collector",
        dt: "2026-11-24",
        hour: 9,
      },
    ]);
    expect(
      await engine.query("SELECT json_extract_string(reason, '$.code') AS code FROM dead_letters WHERE dt = ?", [
        "2026-11-24",
      ]),
    ).toEqual([{ code: "invalid_event" }]);
  });

  it("a line that is not JSON fails the query with the file named, as Athena's default does", async () => {
    const bad = place("dead-letter/sink/dt=2026-11-25/hour=00/bad.jsonl", ["{oops"]);
    await engine.bindTables({ dead_letters: [bad] });
    const error = await engine.query("SELECT count(*) AS n FROM dead_letters").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect((error as SqlError).code).toBe("SQL_FAILED");
    expect((error as SqlError).message).toContain("bad.jsonl");
    await engine.bindTables({});
    expect(await engine.query("SELECT count(*) AS n FROM dead_letters")).toEqual([{ n: 0 }]);
  });
});
