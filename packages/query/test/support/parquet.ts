import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { DuckDBInstance } from "@duckdb/node-api";
import { eventsTable, type SqlType, type TableColumn } from "../../src/tables.js";

/**
 * Test data as the writers produce it: Parquet (ZSTD) written by DuckDB's COPY from JSON rows, with
 * the declared column types. A plain, unsealed DuckDB: this is the writer side, not the engine under test.
 */
export type TimestampFlavor = "naive-millis" | "utc-adjusted";

const writerType = (type: SqlType, flavor: TimestampFlavor): string =>
  ({
    string: "VARCHAR",
    int32: "INTEGER",
    int64: "BIGINT",
    double: "DOUBLE",
    boolean: "BOOLEAN",
    // The sink writes TIMESTAMP(MILLIS) flagged adjusted-to-UTC; DuckDB writes that flag only for
    // TIMESTAMPTZ (in micros), so the two flavors bracket what real writers do.
    timestamp: flavor === "naive-millis" ? "TIMESTAMP_MS" : "TIMESTAMPTZ",
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
    ...columns.map((c): [string, string] => [c.name, c.type === "timestamp" ? "VARCHAR" : writerType(c.type, flavor)]),
    ...Object.entries(options.extraColumns ?? {}),
  ];
  const casts = [
    ...columns.map((c) =>
      c.type === "timestamp"
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

/** The contract's storage fixture rows (every column, ISO timestamps), as the sink would store them. */
export function contractEventRows(): EventRow[] {
  const require = createRequire(import.meta.url);
  const text = readFileSync(require.resolve("@shop/event-schema/fixtures/storage/rows.jsonl"), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as EventRow);
}

export const writeEvents = (file: string, rows: readonly Record<string, unknown>[], options?: WriteOptions) =>
  writeParquet(file, eventsTable.columns, rows, options);
