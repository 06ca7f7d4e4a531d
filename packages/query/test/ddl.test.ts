import { eventGroups, storageColumns } from "@shop/event-schema";
import { describe, expect, it } from "vitest";
import {
  fillDdlTemplate,
  renderAthenaDdl,
  renderEventsDdl,
  renderSessionsDdl,
  renderViewDdl,
  viewQuery,
} from "../src/ddl/index.js";
import { DdlInputError, DdlTemplateError } from "../src/errors.js";
import { ddlTemplate, viewSources } from "../src/sql-files.js";
import { sessionsTable } from "../src/tables.js";

const target = { database: "shop_analytics", location: "s3://shop-lake/prod/events" };

describe("renderEventsDdl", () => {
  const ddl = renderEventsDdl(target);

  it("is the contract's generated DDL with both placeholders filled", () => {
    expect(ddl).toBe(
      ddlTemplate("events")
        .replaceAll("{{database}}", "shop_analytics")
        .replaceAll("{{location}}", "s3://shop-lake/prod/events"),
    );
    expect(ddl).not.toMatch(/\{\{/);
    expect(ddl).toContain("CREATE EXTERNAL TABLE IF NOT EXISTS `shop_analytics`.`events`");
    expect(ddl).toContain("LOCATION 's3://shop-lake/prod/events/'");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholders, literally.
    expect(ddl).toContain("'storage.location.template' = 's3://shop-lake/prod/events/dt=${dt}/hour=${hour}/'");
    for (const column of storageColumns) expect(ddl).toContain(`\`${column.name}\``);
  });

  it("drops trailing slashes from the location instead of doubling them", () => {
    expect(renderEventsDdl({ ...target, location: "s3://shop-lake/prod/events//" })).toBe(ddl);
  });

  it.each([
    ["upper case", { database: "Shop" }],
    ["a quote", { database: "shop`; DROP TABLE x; --" }],
    ["a dash", { database: "shop-analytics" }],
    ["empty", { database: "" }],
  ])("rejects a database name with %s", (_case, bad) => {
    expect(() => renderEventsDdl({ ...target, ...bad })).toThrow(DdlInputError);
  });

  it.each([
    ["another scheme", "https://shop-lake/events"],
    ["s3a", "s3a://shop-lake/events"],
    ["a quote that would close the literal", "s3://shop-lake/ev'ents"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an Athena projection placeholder, literally.
    ["a projection placeholder", "s3://shop-lake/${dt}"],
    ["a template placeholder", "s3://shop-lake/{{database}}"],
    ["whitespace", "s3://shop-lake/my events"],
    ["an invalid bucket", "s3://Shop_Lake/events"],
    ["no bucket", "s3:///events"],
  ])("rejects a location with %s", (_case, location) => {
    expect(() => renderEventsDdl({ ...target, location })).toThrow(DdlInputError);
  });
});

describe("fillDdlTemplate", () => {
  it("keeps replacement patterns in values literal", () => {
    expect(fillDdlTemplate("a {{x}} b {{x}}", { x: "$&$1" })).toBe("a $&$1 b $&$1");
  });

  it("fails when an expected placeholder is missing or one is left over", () => {
    expect(() => fillDdlTemplate("no placeholders", { database: "db" })).toThrow(DdlTemplateError);
    expect(() => fillDdlTemplate("{{database}} {{bucket}}", { database: "db" })).toThrow(DdlTemplateError);
  });
});

describe("renderSessionsDdl", () => {
  const ddl = renderSessionsDdl({ database: "shop_analytics", location: "s3://shop-lake/prod/sessions/" });

  it("is the contract's generated DDL with both placeholders filled", () => {
    expect(ddl).toBe(
      ddlTemplate("sessions")
        .replaceAll("{{database}}", "shop_analytics")
        .replaceAll("{{location}}", "s3://shop-lake/prod/sessions"),
    );
    expect(ddl).toContain("CREATE EXTERNAL TABLE IF NOT EXISTS `shop_analytics`.`sessions`");
  });

  it("declares every sessions column and projects dt only", () => {
    for (const column of sessionsTable.columns) expect(ddl).toContain(`\`${column.name}\``);
    expect(ddl).toContain("`duration_seconds` double");
    expect(ddl).toContain("`event_count` int");
    expect(ddl).toContain("`session_start` timestamp");
    expect(ddl).toContain("PARTITIONED BY (`dt` string)");
    expect(ddl).toContain("LOCATION 's3://shop-lake/prod/sessions/'");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholder, literally.
    expect(ddl).toContain("'storage.location.template' = 's3://shop-lake/prod/sessions/dt=${dt}/'");
    expect(ddl).not.toContain("hour");
  });
});

describe("views", () => {
  const view = { name: "daily_x", sql: "-- what it is\n-- why\n\nSELECT 1 AS one\nFROM events;\n" };

  it("drop the leading comment block and the final semicolon", () => {
    expect(viewQuery(view)).toBe("SELECT 1 AS one\nFROM events");
  });

  it("render as Athena CREATE OR REPLACE VIEW in the database", () => {
    expect(renderViewDdl(view, { database: "shop_analytics" })).toBe(
      'CREATE OR REPLACE VIEW "shop_analytics"."daily_x" AS\nSELECT 1 AS one\nFROM events;\n',
    );
  });

  it("reject a file name that is not a plain identifier, or a file with no query", () => {
    expect(() => viewQuery({ name: "daily-x", sql: "SELECT 1" })).toThrow(DdlInputError);
    expect(() => viewQuery({ name: "x", sql: "-- only a comment\n" })).toThrow(DdlInputError);
  });
});

describe("renderAthenaDdl", () => {
  it("lists the tables under the lake root, then every view", () => {
    const statements = renderAthenaDdl({ database: "shop_analytics", root: "s3://shop-lake/prod/" });
    expect(statements.map((s) => s.name)).toEqual([
      "events",
      "sessions",
      "fraud_alerts",
      "users",
      "daily_metrics",
      "live_metrics",
      "dead_letters",
      "unique_events",
      "daily_funnel",
      "daily_revenue",
      "events_by_type",
      "live_metrics_latest",
      "session_people",
    ]);
    const sql = (name: string) => statements.find((s) => s.name === name)?.sql;
    for (const table of ["events", "sessions", "fraud_alerts", "users", "daily_metrics", "live_metrics"]) {
      expect(sql(table)).toContain(`LOCATION 's3://shop-lake/prod/${table}/'`);
    }
    // The sink writes dead letters under dead-letter/<stage>/, not under the table's name.
    expect(sql("dead_letters")).toContain("LOCATION 's3://shop-lake/prod/dead-letter/'");
    expect(sql("dead_letters")).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholder, literally.
      "'storage.location.template' = 's3://shop-lake/prod/dead-letter/${stage}/",
    );
    expect(statements.map((s) => s.kind)).toEqual([
      ...Array(7).fill("table"),
      ...Array(viewSources().length).fill("view"),
    ]);
    expect(sql("unique_events")).toMatch(
      /^CREATE OR REPLACE VIEW "shop_analytics"."unique_events" AS\nSELECT event_id, /,
    );
    expect(sql("daily_funnel")).toMatch(/^CREATE OR REPLACE VIEW "shop_analytics"."daily_funnel" AS\nSELECT\n/);
    const funnel = eventGroups.funnel.events.map((name) => `'${name}'`).join(", ");
    expect(sql("daily_funnel")).toContain(`event_name IN (${funnel})`);
    for (const statement of statements) expect(statement.sql).not.toMatch(/\{\{/);
  });
});
