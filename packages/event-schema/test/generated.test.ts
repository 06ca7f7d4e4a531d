import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { athenaTableDdl } from "../src/generate/athena.js";
import { renderGeneratedFiles } from "../src/generate/index.js";
import { storageColumns } from "../src/storage/columns.js";
import { sessionColumns, sessionsLakeTable } from "../src/storage/sessions.js";
import { packageRoot, validFixtures } from "./fixtures.js";

const files = renderGeneratedFiles(validFixtures);
const sparkFields = (path: string): Array<{ name: string; type: string; nullable: boolean }> =>
  JSON.parse(files[path] ?? "{}").fields;

describe("generated files", () => {
  it.each(Object.keys(files))("%s is up to date (run `pnpm --filter @shop/event-schema generate`)", (path) => {
    expect(readFileSync(join(packageRoot, path), "utf8")).toBe(files[path]);
  });

  it("the Spark schema lists every storage column with its nullability", () => {
    const fields = sparkFields("generated/spark/events.json");
    expect(fields.map((f) => f.name)).toEqual(storageColumns.map((c) => c.name));
    expect(fields.find((f) => f.name === "event_ts")).toMatchObject({ type: "timestamp", nullable: false });
  });

  it("the Athena DDL declares every column and projects the dt/hour partitions", () => {
    const ddl = files["generated/athena/events.sql"] ?? "";
    for (const column of storageColumns) expect(ddl).toContain(`\`${column.name}\``);
    expect(ddl).toContain("PARTITIONED BY (`dt` string, `hour` int)");
    expect(ddl).toContain("'parquet.compression' = 'ZSTD'");
    expect(ddl).toContain("'projection.hour.digits' = '2'");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholders, literally.
    expect(ddl).toContain("'storage.location.template' = '{{location}}/dt=${dt}/hour=${hour}/'");
  });
});

describe("generated sessions files", () => {
  it("the Spark schema lists every sessions column, typed as the sessionization job writes it", () => {
    const fields = sparkFields("generated/spark/sessions.json");
    expect(fields.map((f) => f.name)).toEqual(sessionColumns.map((c) => c.name));
    expect(fields.find((f) => f.name === "session_start")).toMatchObject({ type: "timestamp", nullable: false });
    expect(fields.find((f) => f.name === "duration_seconds")).toMatchObject({ type: "double", nullable: false });
    expect(fields.find((f) => f.name === "event_count")).toMatchObject({ type: "integer", nullable: false });
    expect(fields.find((f) => f.name === "is_bounce")).toMatchObject({ type: "boolean", nullable: false });
    expect(fields.find((f) => f.name === "user_id")).toMatchObject({ type: "string", nullable: true });
    expect(JSON.parse(files["generated/spark/sessions.partitions.json"] ?? "[]")).toEqual([
      { name: "dt", type: "string" },
    ]);
  });

  it("the Athena DDL declares every column and projects dt only", () => {
    const ddl = files["generated/athena/sessions.sql"] ?? "";
    expect(ddl).toContain("CREATE EXTERNAL TABLE IF NOT EXISTS `{{database}}`.`sessions` (");
    for (const column of sessionColumns) expect(ddl).toContain(`\`${column.name}\``);
    expect(ddl).toContain("`event_count` int COMMENT");
    expect(ddl).toContain("PARTITIONED BY (`dt` string)");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholder, literally.
    expect(ddl).toContain("'storage.location.template' = '{{location}}/dt=${dt}/'");
    expect(ddl).not.toContain("hour");
    expect(ddl).not.toContain("parquet.compression");
  });

  it("a partition without a projection fails instead of leaving Athena unable to list it", () => {
    expect(() => athenaTableDdl(sessionsLakeTable, { projection: {} })).toThrow(
      /sessions: no partition projection for dt/,
    );
  });
});
