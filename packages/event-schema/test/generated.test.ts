import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderGeneratedFiles } from "../src/generate/index.js";
import { storageColumns } from "../src/storage/columns.js";
import { packageRoot, validFixtures } from "./fixtures.js";

const files = renderGeneratedFiles(validFixtures);

describe("generated files", () => {
  it.each(Object.keys(files))("%s is up to date (run `pnpm --filter @shop/event-schema generate`)", (path) => {
    expect(readFileSync(join(packageRoot, path), "utf8")).toBe(files[path]);
  });

  it("the Spark schema lists every storage column with its nullability", () => {
    const spark = JSON.parse(files["generated/spark/events.json"] ?? "{}");
    expect(spark.fields.map((f: { name: string }) => f.name)).toEqual(storageColumns.map((c) => c.name));
    expect(spark.fields.find((f: { name: string }) => f.name === "event_ts")).toMatchObject({
      type: "timestamp",
      nullable: false,
    });
  });

  it("the Athena DDL declares every column and projects the dt/hour partitions", () => {
    const ddl = files["generated/athena/events.sql"] ?? "";
    for (const column of storageColumns) expect(ddl).toContain(`\`${column.name}\``);
    expect(ddl).toContain("PARTITIONED BY (`dt` string, `hour` int)");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Athena's projection placeholders, literally.
    expect(ddl).toContain("'storage.location.template' = '{{location}}/dt=${dt}/hour=${hour}/'");
  });
});
