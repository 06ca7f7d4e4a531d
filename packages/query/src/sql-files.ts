import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { ViewSource } from "./ddl/athena.js";
import type { TableName } from "./tables.js";

// This file sits directly under src/ (and dist/), so the package root is one level up in both.
const viewsDir = fileURLToPath(new URL("../sql/views/", import.meta.url));
const require = createRequire(import.meta.url);

const ddlTemplates = new Map<TableName, string>();

/** The contract's generated Athena DDL of a table, with its {{database}} and {{location}} placeholders. */
export function ddlTemplate(table: TableName): string {
  let template = ddlTemplates.get(table);
  if (template === undefined) {
    template = readFileSync(require.resolve(`@shop/event-schema/generated/athena/${table}.sql`), "utf8");
    ddlTemplates.set(table, template);
  }
  return template;
}

let views: readonly ViewSource[] | undefined;

/** sql/views/*.sql, by name. Views read only the tables, never each other, so any order works. */
export function viewSources(): readonly ViewSource[] {
  views ??= readdirSync(viewsDir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => ({ name: file.slice(0, -".sql".length), sql: readFileSync(`${viewsDir}${file}`, "utf8") }));
  return views;
}
