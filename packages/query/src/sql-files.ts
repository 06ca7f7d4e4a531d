import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { ViewSource } from "./ddl/athena.js";
import { SqlFragmentError } from "./errors.js";
import type { TableName } from "./tables.js";

// This file sits directly under src/ (and dist/), so the package root is one level up in both.
export const sqlDir = fileURLToPath(new URL("../sql/", import.meta.url));
const viewsDir = `${sqlDir}views/`;
/** The translation step's output (transpile/): the DuckDB form of every view and question. */
export const duckDbDir = `${sqlDir}duckdb/`;
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

let fragments: Readonly<Record<string, string>> | undefined;

/**
 * The contract's SQL fragments (generated/sql/fragments.json): event names and groups, the dedup
 * rule's ORDER BY, table column lists. Views are written with `{{event.order_completed}}`,
 * `{{group.funnel}}` and so on, so no view spells a name the contract owns.
 */
export function sqlFragments(): Readonly<Record<string, string>> {
  fragments ??= JSON.parse(
    readFileSync(require.resolve("@shop/event-schema/generated/sql/fragments.json"), "utf8"),
  ) as Record<string, string>;
  return fragments;
}

const PLACEHOLDER = /\{\{([a-z0-9_.]+)\}\}/g;

/** A view's text with every `{{fragment}}` filled in; an unknown name fails rather than reaching SQL. */
export function expandFragments(name: string, sql: string, known = sqlFragments()): string {
  const expanded = sql.replace(PLACEHOLDER, (_, key: string) => {
    const fragment = known[key];
    if (fragment === undefined || key === "$comment") {
      throw new SqlFragmentError(`view ${name}: the contract has no SQL fragment {{${key}}}`);
    }
    return fragment;
  });
  const leftover = /\{\{[^}]*\}\}/.exec(expanded);
  if (leftover) throw new SqlFragmentError(`view ${name}: malformed placeholder ${leftover[0]}`);
  return expanded;
}

/**
 * Views in an order that creates each after the views it reads (Athena and DuckDB bind a view's
 * references when it is created): a view that names another view comes after it.
 */
export function inDependencyOrder(views: readonly ViewSource[]): ViewSource[] {
  const byName = new Map(views.map((v) => [v.name, v]));
  const reads = (view: ViewSource) =>
    views.filter((other) => other !== view && new RegExp(`\\b${other.name}\\b`).test(view.sql)).map((o) => o.name);
  const ordered: ViewSource[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, path: readonly string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting")
      throw new SqlFragmentError(`views read each other in a cycle: ${[...path, name].join(" → ")}`);
    state.set(name, "visiting");
    const view = byName.get(name) as ViewSource;
    for (const dependency of reads(view)) visit(dependency, [...path, name]);
    state.set(name, "done");
    ordered.push(view);
  };
  for (const view of views) visit(view.name, []);
  return ordered;
}

/** `<dir>/*.sql` as name and text, by name. */
export function sqlFilesIn(dir: string): { name: string; text: string }[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => ({ name: file.slice(0, -".sql".length), text: readFileSync(`${dir}${file}`, "utf8") }));
}

const loadViews = (dir: string): readonly ViewSource[] =>
  inDependencyOrder(sqlFilesIn(dir).map(({ name, text }) => ({ name, sql: expandFragments(name, text) })));

let views: readonly ViewSource[] | undefined;
let localViews: readonly ViewSource[] | undefined;

/** sql/views/*.sql (Athena's dialect) with the contract's fragments filled in, each after the views it reads. */
export function viewSources(): readonly ViewSource[] {
  views ??= loadViews(viewsDir);
  return views;
}

/**
 * The same views in DuckDB's dialect, as the translation step generated them (sql/duckdb/views/, checked
 * for staleness by test/transpile.test.ts): the local engine runs these, never a hand-written copy.
 */
export function localViewSources(): readonly ViewSource[] {
  localViews ??= loadViews(`${duckDbDir}views/`);
  return localViews;
}
