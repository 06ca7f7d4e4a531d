import { eventsDdlTemplate, viewSources } from "../sql-files.js";
import { type DdlTarget, renderEventsDdlFrom, renderSessionsDdl, renderViewDdl, validateLocation } from "./athena.js";

export type { DdlTarget, ViewSource } from "./athena.js";
export {
  fillDdlTemplate,
  renderSessionsDdl,
  renderViewDdl,
  validateDatabase,
  validateLocation,
  viewQuery,
} from "./athena.js";

/** Athena DDL of the events table, from the contract's generated template. */
export function renderEventsDdl(target: DdlTarget): string {
  return renderEventsDdlFrom(eventsDdlTemplate(), target);
}

export interface AthenaStatement {
  readonly name: string;
  readonly sql: string;
}

/**
 * Every statement to deploy, in order: tables, then views. Athena runs one statement per query, so they
 * stay separate. `root` is the lake root holding `events/` and `sessions/`.
 */
export function renderAthenaDdl(target: { database: string; root: string }): AthenaStatement[] {
  const root = validateLocation(target.root);
  return [
    { name: "events", sql: renderEventsDdl({ database: target.database, location: `${root}/events` }) },
    { name: "sessions", sql: renderSessionsDdl({ database: target.database, location: `${root}/sessions` }) },
    ...viewSources().map((view) => ({ name: view.name, sql: renderViewDdl(view, target) })),
  ];
}
