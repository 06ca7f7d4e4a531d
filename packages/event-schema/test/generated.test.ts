import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeadLetter, deadLetterStages } from "../src/collected.js";
import { athenaSettings, athenaTableDdl } from "../src/generate/athena.js";
import { renderGeneratedFiles } from "../src/generate/index.js";
import { storageColumns } from "../src/storage/columns.js";
import { deadLettersLakeTable } from "../src/storage/dead-letters.js";
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

describe("generated dead_letters files", () => {
  const ddl = files["generated/athena/dead_letters.sql"] ?? "";

  it("every column reads a key of the contract's DeadLetter (by its mapping, else its name)", () => {
    const keys = Object.keys(DeadLetter.properties);
    const storage = deadLettersLakeTable.storage;
    for (const column of deadLettersLakeTable.columns) {
      const key = (storage.keys as Record<string, string>)[column.name] ?? column.name;
      expect(keys).toContain(key);
      expect(ddl).toContain(`\`${column.name}\``);
    }
    // `stage` is the partition (the folder), so it is no file column: Athena forbids a name in both.
    expect(deadLettersLakeTable.columns.map((c) => c.name)).not.toContain("stage");
  });

  it("is JSON Lines through the OpenX SerDe, with the camelCase keys mapped", () => {
    expect(ddl).toContain("ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'");
    expect(ddl).toContain("'mapping.received_at' = 'receivedAt'");
    expect(ddl).toContain("STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'");
    expect(ddl).not.toContain("PARQUET");
  });

  it("projects the sink's key layout: the bare stage folder, then dt and hour", () => {
    expect(ddl).toContain("PARTITIONED BY (`stage` string, `dt` string, `hour` int)");
    expect(ddl).toContain(`'projection.stage.values' = '${deadLetterStages.join(",")}'`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholders, literally.
    expect(ddl).toContain("'storage.location.template' = '{{location}}/${stage}/dt=${dt}/hour=${hour}/'");
    expect(deadLettersLakeTable.folder).toBe("dead-letter");
  });

  it("a key mapping for a column the table does not have fails the generator", () => {
    const broken = { ...deadLettersLakeTable, storage: { format: "json_lines" as const, keys: { nope: "x" } } };
    expect(() => athenaTableDdl(broken, athenaSettings.dead_letters)).toThrow(/dead_letters: no column nope to map/);
  });
});
