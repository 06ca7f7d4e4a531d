import { bindQuestion, loadCatalogue } from "../catalogue/catalogue.js";
import { resolveParamValues } from "../catalogue/params.js";
import { viewSources } from "../sql-files.js";
import type { FidelityCase } from "./compare.js";

/** Every view of sql/views as a case: all its rows, compared without order (views have no ORDER BY). */
export function viewCases(): FidelityCase[] {
  return viewSources().map((view) => ({ name: `view ${view.name}`, sql: `SELECT * FROM ${view.name}` }));
}

/**
 * Every named question as a case: its Athena form for Trino, its translated form for DuckDB, each bound
 * to the same parameter values (the defaults, with "today" at `now`: choose it so the date defaults
 * cover the fixture's days). All of them: a question that cannot run on both engines is a bug to fix.
 */
export function questionCases(now: Date): FidelityCase[] {
  return loadCatalogue().map((question) => {
    const values = resolveParamValues(question.name, question.params, {}, now);
    const athena = bindQuestion(question, values, "athena");
    const duckdb = bindQuestion(question, values, "duckdb");
    return { name: `question ${question.name}`, sql: athena.sql, params: athena.params, duckdb };
  });
}
