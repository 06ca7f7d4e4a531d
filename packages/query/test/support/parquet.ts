import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { DuckDBInstance } from "@duckdb/node-api";
import type { ColumnType } from "@shop/event-schema";
import { eventsTable, type TableColumn } from "../../src/tables.js";

/**
 * Test data as the writers produce it: Parquet (ZSTD) written by DuckDB's COPY from JSON rows, with
 * the declared column types. A plain, unsealed DuckDB: this is the writer side, not the engine under test.
 */
export type TimestampFlavor = "naive-millis" | "utc-adjusted";

const writerType = (type: ColumnType, flavor: TimestampFlavor): string =>
  ({
    string: "VARCHAR",
    int32: "INTEGER",
    double: "DOUBLE",
    boolean: "BOOLEAN",
    // The sink writes TIMESTAMP(MILLIS) flagged adjusted-to-UTC; DuckDB writes that flag only for
    // TIMESTAMPTZ (in micros), so the two flavors bracket what real writers do.
    timestamp_ms: flavor === "naive-millis" ? "TIMESTAMP_MS" : "TIMESTAMPTZ",
  })[type];

export interface WriteOptions {
  timestamps?: TimestampFlavor;
  /** Extra columns the table does not declare, as `name: DuckDB type`. */
  extraColumns?: Record<string, string>;
}

export async function writeParquet(
  file: string,
  columns: readonly TableColumn[],
  rows: readonly Record<string, unknown>[],
  options: WriteOptions = {},
): Promise<void> {
  const flavor = options.timestamps ?? "naive-millis";
  const spec: [string, string][] = [
    ...columns.map((c): [string, string] => [
      c.name,
      c.type === "timestamp_ms" ? "VARCHAR" : writerType(c.type, flavor),
    ]),
    ...Object.entries(options.extraColumns ?? {}),
  ];
  const casts = [
    ...columns.map((c) =>
      c.type === "timestamp_ms"
        ? `CAST(CAST("${c.name}" AS TIMESTAMPTZ) AS ${writerType(c.type, flavor)}) AS "${c.name}"`
        : `"${c.name}"`,
    ),
    ...Object.keys(options.extraColumns ?? {}).map((name) => `"${name}"`),
  ];
  const jsonFile = `${file}.input.jsonl`;
  writeFileSync(jsonFile, rows.map((row) => JSON.stringify(row)).join("\n"));
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    const columnsStruct = spec.map(([name, type]) => `'${name}': '${type}'`).join(", ");
    await connection.run(
      `COPY (SELECT ${casts.join(", ")} FROM read_json('${jsonFile}', format = 'newline_delimited', columns = {${columnsStruct}}))
       TO '${file}' (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export type EventRow = Record<string, unknown> & { event_id: string; event_ts: string };

const require = createRequire(import.meta.url);

const readRows = (fixture: string): EventRow[] =>
  readFileSync(require.resolve(`@shop/event-schema/fixtures/${fixture}`), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as EventRow);

/** The contract's storage fixture rows (every column, ISO timestamps), as the sink would store them. */
export const contractEventRows = (): EventRow[] => readRows("storage/rows.jsonl");

/**
 * The contract's shared lake fixture: the same events delivered several times (copies, in file order),
 * the rows every reader must keep (winners) and the money figures over them.
 */
export const lakeFixture = () => ({
  copies: readRows("lake/copies.jsonl"),
  winners: readRows("lake/winners.jsonl"),
  expected: JSON.parse(readFileSync(require.resolve("@shop/event-schema/fixtures/lake/expected.json"), "utf8")) as {
    money: Record<string, Record<string, number>>;
  },
});

export const writeEvents = (file: string, rows: readonly Record<string, unknown>[], options?: WriteOptions) =>
  writeParquet(file, eventsTable.columns, rows, options);
