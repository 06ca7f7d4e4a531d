import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DuckDbEngine, openDuckDbEngine } from "../src/engine/local/duckdb-engine.js";
import { ShopQueryError, SqlError } from "../src/errors.js";
import { writeEventPartitions } from "./support/dataset.js";
import { contractEventRows } from "./support/parquet.js";

let dir: string;
let engine: DuckDbEngine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "shop-query-engine-"));
  engine = await openDuckDbEngine({ dataDir: join(dir, "data") });
});

afterAll(async () => {
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sqlError = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SqlError);
  return error as SqlError;
};

describe("with no data yet", () => {
  it("tables and views exist, typed, and empty", async () => {
    expect(await engine.query("SELECT count(*) AS n FROM events")).toEqual([{ n: 0 }]);
    expect(await engine.query("SELECT * FROM sessions")).toEqual([]);
    expect(await engine.query("SELECT * FROM daily_revenue")).toEqual([]);
    const [hour] = await engine.query("SELECT column_type FROM (DESCRIBE events) WHERE column_name = 'hour'");
    expect(hour).toEqual({ column_type: "INTEGER" });
  });
});

describe("schema evolution, as Athena reads Parquet by the table's columns", () => {
  it("a declared column missing from the files reads as NULL; undeclared file columns are hidden", async () => {
    const [row] = contractEventRows();
    if (!row) throw new Error("no contract fixture rows");
    const { context_json: _dropped, ...older } = row;
    const files = await writeEventPartitions(join(dir, "data"), [{ ...older, legacy_flag: true }], "old-writer", {
      extraColumns: { legacy_flag: "BOOLEAN" },
    });
    // The writer used the declared columns; this file lacks context_json because the row lacks it.
    await engine.bindTables({ events: files.map((f) => f.path), sessions: [] });
    const [read] = await engine.query("SELECT event_id, context_json FROM events");
    expect(read).toEqual({ event_id: row.event_id, context_json: null });
    await sqlError(engine.query("SELECT legacy_flag FROM events"));
    await engine.bindTables({ events: [], sessions: [] });
  });

  it("refuses files outside its data directory", async () => {
    await expect(engine.bindTables({ events: [join(dir, "elsewhere.parquet")], sessions: [] })).rejects.toThrow(
      ShopQueryError,
    );
  });
});

describe("query", () => {
  it("binds positional parameters", async () => {
    expect(await engine.query("SELECT ? AS s, ? + 1 AS n, ? AS b", ["x", 41, true])).toEqual([
      { s: "x", n: 42, b: true },
    ]);
    const error = await sqlError(engine.query("SELECT ? AS s", []));
    expect(error.code).toBe("SQL_INVALID");
  });

  it("converts engine values to the engine-neutral shapes", async () => {
    const [row] = await engine.query(
      `SELECT 1::BIGINT AS small, 9007199254740993::BIGINT AS big, count_if(true) AS counted,
              DATE '2026-11-28' AS day, TIMESTAMP '2026-11-28 10:00:00.123' AS ts, 1.5::DOUBLE AS d,
              [1::BIGINT, 2] AS list, NULL AS nothing`,
    );
    expect(row).toEqual({
      small: 1,
      big: 9007199254740993n,
      counted: 1,
      day: "2026-11-28",
      ts: "2026-11-28T10:00:00.123Z",
      d: 1.5,
      list: [1, 2],
      nothing: null,
    });
  });

  it("reports bad SQL as SqlError with the engine's message", async () => {
    const parse = await sqlError(engine.query("SELEC 1"));
    expect(parse.code).toBe("SQL_INVALID");
    expect(parse.message).toMatch(/^Parser Error: syntax error at or near "SELEC"/);
    const binder = await sqlError(engine.query("SELECT no_such_column FROM events"));
    expect(binder.message).toMatch(/no_such_column/);
    expect((await sqlError(engine.query("-- nothing\n"))).message).toBe("no SQL statement given");
    expect((await sqlError(engine.query("SELECT 1; SELECT 2"))).message).toMatch(/exactly one statement, got 2/);
    const failed = await sqlError(engine.query("SELECT CAST('x' AS INTEGER) AS n"));
    expect(["SQL_INVALID", "SQL_FAILED"]).toContain(failed.code);
  });

  it("runs only reads: no writes, DDL, settings or extension installs", async () => {
    for (const sql of [
      "CREATE TABLE t AS SELECT 1",
      "DROP VIEW events",
      "SET enable_external_access = true",
      "INSTALL httpfs",
      "INSTALL httpfs FROM core",
      "LOAD httpfs",
      `COPY (SELECT 1) TO '${join(dir, "data", "out.csv")}'`,
      `ATTACH '${join(dir, "data", "other.db")}'`,
    ]) {
      expect((await sqlError(engine.query(sql))).code, sql).toBe("SQL_NOT_ALLOWED");
    }
  });

  it("cannot read files outside its data directory", async () => {
    const outside = join(dir, "secret.csv");
    writeFileSync(outside, "a\n1\n");
    const error = await sqlError(engine.query(`SELECT * FROM read_csv('${outside}')`));
    expect(error.message).toMatch(/Permission Error/);
  });

  it("never fetches extensions: S3 and HTTP paths are refused at once, before any download", async () => {
    const started = performance.now();
    for (const path of ["s3://shop-analytics-local/events/x.parquet", "https://example.com/x.parquet"]) {
      const error = await sqlError(engine.query(`SELECT * FROM read_parquet('${path}')`));
      expect(error.message).toMatch(/^Permission Error/);
      expect(error.message).not.toMatch(/download/i);
    }
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(
      await engine.query(
        "SELECT current_setting('autoinstall_known_extensions') AS install, current_setting('autoload_known_extensions') AS load, current_setting('lock_configuration') AS locked",
      ),
    ).toEqual([{ install: false, load: false, locked: true }]);
    const loaded = await engine.query<{ extension_name: string; install_mode: string }>(
      "SELECT extension_name, install_mode FROM duckdb_extensions() WHERE loaded ORDER BY 1",
    );
    expect(loaded.find((e) => e.extension_name === "parquet")).toEqual({
      extension_name: "parquet",
      install_mode: "STATICALLY_LINKED",
    });
    expect(loaded.every((e) => e.install_mode === "STATICALLY_LINKED")).toBe(true);
  });
});

describe("close", () => {
  it("rejects queries afterwards", async () => {
    const other = await openDuckDbEngine({ dataDir: join(dir, "other") });
    await other.close();
    await expect(other.query("SELECT 1")).rejects.toMatchObject({ code: "ENGINE_CLOSED" });
    await other.close();
  });
});
