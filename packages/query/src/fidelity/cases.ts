import { viewSources } from "../sql-files.js";
import type { FidelityCase } from "./compare.js";

/** Every view of sql/views as a case: all its rows, compared without order (views have no ORDER BY). */
export function viewCases(): FidelityCase[] {
  return viewSources().map((view) => ({ name: `view ${view.name}`, sql: `SELECT * FROM ${view.name}` }));
}
