import { describe, expect, it } from "vitest";
import { renderAthenaDdl, renderEventsDdl } from "../src/ddl/index.js";
import {
  athenaStatementToTrino,
  athenaTableToTrino,
  athenaTableToTrinoStatements,
  parseAthenaTableDdl,
  renderTrinoDdl,
} from "../src/ddl/trino.js";
import { DdlTemplateError } from "../src/errors.js";
import { eventsTable, tableFormat, tables } from "../src/tables.js";

const root = "s3://shop-lake/prod";
const events = renderEventsDdl({ database: "shop_analytics", location: `${root}/events` });

describe("athenaTableToTrino", () => {
  const trino = athenaTableToTrino(events);

  it("reads every column, partition, the location and the properties of the generated DDL", () => {
    const parsed = parseAthenaTableDdl(events);
    expect(parsed.columns.map((c) => c.name)).toEqual(eventsTable.columns.map((c) => c.name));
    expect(parsed.partitions.map((c) => `${c.name} ${c.type}`)).toEqual(["dt string", "hour int"]);
    expect(parsed.location).toBe(`${root}/events/`);
    expect(parsed.properties.get("projection.hour.digits")).toBe("2");
    expect(parsed.columns.find((c) => c.name === "session_id")?.comment).toBe(
      "The SDK's session id (a hint; Spark sessionizes by time gaps).",
    );
  });

  it("writes Trino's CREATE TABLE: quoted names, Trino types, partitions last, table properties", () => {
    expect(trino).toMatch(
      /^CREATE TABLE IF NOT EXISTS "hive"\."shop_analytics"\."events" \(\n {2}"event_id" varchar COMMENT /,
    );
    expect(trino).toContain(`"session_seq" integer COMMENT`);
    expect(trino).toContain(`"event_ts" timestamp(3) COMMENT`);
    expect(trino).toContain(`"is_bot" boolean COMMENT`);
    expect(trino).toContain("COMMENT 'The SDK''s session id");
    const lines = trino.split("\n");
    expect(lines.findIndex((l) => l.startsWith('  "dt"'))).toBe(eventsTable.columns.length + 1);
    expect(trino).toContain(`external_location = '${root}/events/'`);
    expect(trino).toContain("format = 'PARQUET'");
    expect(trino).toContain("partitioned_by = ARRAY['dt', 'hour']");
    expect(trino).not.toMatch(/`|EXTERNAL|TBLPROPERTIES|parquet\.compression/);
  });

  it("maps Athena's projection keys onto Trino's projection properties", () => {
    expect(trino).toContain("partition_projection_enabled = true");
    expect(trino).toContain(`partition_projection_location_template = '${root}/events/dt=\${dt}/hour=\${hour}/'`);
    expect(trino).toContain(
      `"dt" varchar WITH (partition_projection_type = 'DATE', partition_projection_format = 'yyyy-MM-dd', partition_projection_range = ARRAY['2024-01-01', 'NOW'], partition_projection_interval = 1, partition_projection_interval_unit = 'DAYS')`,
    );
    expect(trino).toContain(
      `"hour" integer WITH (partition_projection_type = 'INTEGER', partition_projection_range = ARRAY['0', '23'], partition_projection_digits = 2)`,
    );
  });

  it("narrows a projection range only when asked (tests), and only the range", () => {
    const narrowed = athenaTableToTrino(events, { projectionRanges: { dt: "2026-11-27,2026-11-30" } });
    expect(narrowed).toContain("partition_projection_range = ARRAY['2026-11-27', '2026-11-30']");
    expect(narrowed.replace("ARRAY['2026-11-27', '2026-11-30']", "ARRAY['2024-01-01', 'NOW']")).toBe(trino);
  });

  it("adapts the OpenX JSON table: OPENX_JSON, columns named by their JSON keys, and a view with the contract's names", () => {
    const athena = renderAthenaDdl({ database: "db", root }).find((s) => s.name === "dead_letters")?.sql ?? "";
    expect(parseAthenaTableDdl(athena)).toMatchObject({ format: "OPENX_JSON", location: `${root}/dead-letter/` });
    const [stored, view, ...more] = athenaTableToTrinoStatements(athena);
    expect(more).toEqual([]);
    expect(stored?.name).toBe("dead_letters_openx");
    expect(stored?.sql).toContain(`CREATE TABLE IF NOT EXISTS "hive"."db"."dead_letters_openx" (`);
    expect(stored?.sql).toContain(`"receivedAt" timestamp(3)`);
    expect(stored?.sql).toContain(`"sourceId" varchar`);
    expect(stored?.sql).toContain("format = 'OPENX_JSON'");
    expect(stored?.sql).toContain(
      `"stage" varchar WITH (partition_projection_type = 'ENUM', partition_projection_values = ARRAY['collector', 'sink', 'processing'])`,
    );
    expect(view).toEqual({
      name: "dead_letters",
      sql: 'CREATE OR REPLACE VIEW "hive"."db"."dead_letters" AS\nSELECT "v", "reason", "receivedat" AS "received_at", "sourceid" AS "source_id", "original", "stage", "dt", "hour"\nFROM "hive"."db"."dead_letters_openx"',
    });
    expect(() => athenaTableToTrino(athena)).toThrow(/use athenaTableToTrinoStatements/);
    expect(() =>
      athenaTableToTrino(athena.replace("'mapping.source_id' = 'sourceId'", "'ignore.malformed.json' = 'true'")),
    ).toThrow(/no Trino equivalent for the SerDe property/);
  });

  it("adapts every Parquet table of the contract", () => {
    for (const table of tables.filter((t) => tableFormat(t) === "parquet")) {
      const ddl = athenaTableToTrino(
        renderAthenaDdl({ database: "db", root }).find((s) => s.name === table.name)?.sql ?? "",
      );
      expect(ddl).toContain(`"hive"."db"."${table.name}"`);
      for (const column of [...table.columns, ...table.partitions]) expect(ddl).toContain(`"${column.name}" `);
    }
  });

  it("fails on anything it does not know instead of dropping it", () => {
    expect(() => athenaTableToTrino(events.replace("`revenue` double", "`revenue` decimal"))).toThrow(
      /no Trino type for Athena type decimal/,
    );
    expect(() => athenaTableToTrino(events.replace("'projection.enabled'", "'projection.mode'"))).toThrow(
      /no Trino equivalent for the table property projection\.mode/,
    );
    expect(() =>
      athenaTableToTrino(events.replace("'projection.hour.digits' = '2'", "'projection.hour.digits' = 'two'")),
    ).toThrow(DdlTemplateError);
    expect(() => athenaTableToTrino(events.replace("STORED AS PARQUET", "STORED AS ORC"))).toThrow(
      /expected STORED AS PARQUET or the OpenX JSON SerDe/,
    );
    expect(() => athenaTableToTrino("CREATE TABLE x (a int)")).toThrow(DdlTemplateError);
  });
});

describe("renderTrinoDdl", () => {
  it("creates the schema, then every table and view of renderAthenaDdl() in the same order", () => {
    const athena = renderAthenaDdl({ database: "shop_analytics", root });
    const trino = renderTrinoDdl(athena, { database: "shop_analytics" });
    expect(trino[0]).toEqual({ name: "shop_analytics", sql: 'CREATE SCHEMA IF NOT EXISTS "hive"."shop_analytics"' });
    // dead_letters is two statements: its OpenX table, then the view with the contract's column names.
    expect(trino.slice(1).map((s) => s.name)).toEqual(
      athena.flatMap((s) => (s.name === "dead_letters" ? ["dead_letters_openx", "dead_letters"] : [s.name])),
    );
    const view = trino.find((s) => s.name === "daily_funnel");
    expect(view?.sql).toMatch(/^CREATE OR REPLACE VIEW "shop_analytics"\."daily_funnel" AS\n/);
    expect(view?.sql).not.toMatch(/;\s*$/);
    expect(() => athenaStatementToTrino({ name: "x", sql: "DROP TABLE x" })).toThrow(DdlTemplateError);
  });
});
