import { ddlTemplate, viewSources } from "../sql-files.js";
import { type TableName, tables } from "../tables.js";
import { type DdlTarget, renderTableDdlFrom, renderViewDdl, validateLocation } from "./athena.js";

export type { DdlTarget, ViewSource } from "./athena.js";
export {
  fillDdlTemplate,
  renderViewDdl,
  validateDatabase,
  validateLocation,
  viewQuery,
} from "./athena.js";

/** Athena DDL of a lake table: the contract's generated `generated/athena/<table>.sql`, filled in. */
export function renderTableDdl(table: TableName, target: DdlTarget): string {
  return renderTableDdlFrom(ddlTemplate(table), target);
}

/** Athena DDL of the events table (dt/hour partition projection). */
export function renderEventsDdl(target: DdlTarget): string {
  return renderTableDdl("events", target);
}

/** Athena DDL of the sessions table the Spark job writes (dt partition projection). */
export function renderSessionsDdl(target: DdlTarget): string {
  return renderTableDdl("sessions", target);
}

export interface AthenaStatement {
  readonly name: string;
  /** A lake table (CREATE EXTERNAL TABLE IF NOT EXISTS) or a view (CREATE OR REPLACE VIEW). */
  readonly kind: "table" | "view";
  readonly sql: string;
}

/**
 * Every statement to deploy, in order: tables, then views. Athena runs one statement per query, so they
 * stay separate. `root` is the lake root holding `events/` and `sessions/`.
 */
export function renderAthenaDdl(target: { database: string; root: string }): AthenaStatement[] {
  const root = validateLocation(target.root);
  return [
    ...tables.map(({ name, folder }) => ({
      name,
      kind: "table" as const,
      sql: renderTableDdl(name, { database: target.database, location: `${root}/${folder ?? name}` }),
    })),
    ...viewSources().map((view) => ({ name: view.name, kind: "view" as const, sql: renderViewDdl(view, target) })),
  ];
}
