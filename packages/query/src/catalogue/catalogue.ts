import { existsSync, readFileSync } from "node:fs";
import { viewQuery } from "../ddl/athena.js";
import type { QueryEngine, QueryParam, Row, SqlDialect } from "../engine/types.js";
import { CatalogueError, QuestionUnknownError } from "../errors.js";
import { duckDbDir, expandFragments, sqlDir, sqlFilesIn } from "../sql-files.js";
import { isQuestionName, parseQuestionHeader } from "./header.js";
import { type ParamSpec, type ParamValue, resolveParamValues } from "./params.js";
import { checkParamUse, type PositionalSql, toPositional } from "./placeholders.js";

/**
 * A named question of the analyst's catalogue, in the form every engine needs: written once in
 * Athena's dialect (sql/questions/<name>.sql), translated to DuckDB's at build time
 * (sql/duckdb/questions/<name>.sql), both with the contract's fragments filled in and the named
 * parameters turned into positional `?`.
 */
export interface Question {
  readonly name: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** For Athena and Trino: `?` bound in `athenaParamOrder`'s order (Athena's execution parameters). */
  readonly athenaSql: string;
  readonly athenaParamOrder: readonly string[];
  /** For the local DuckDB engine: `?` bound in `localParamOrder`'s order (prepared parameters). */
  readonly localSql: string;
  readonly localParamOrder: readonly string[];
}

export interface BoundQuestion {
  readonly sql: string;
  readonly params: readonly QueryParam[];
}

/** A question from the texts of its source and its generated DuckDB form; throws CatalogueError. */
export function questionFrom(name: string, source: string, generated: string): Question {
  const file = `sql/questions/${name}.sql`;
  if (!isQuestionName(name)) throw new CatalogueError(`${file}: a question name is [a-z][a-z0-9_]*`);
  const header = parseQuestionHeader(file, source);
  const declared = header.params.map((p) => p.name);
  const form = (text: string, where: string): PositionalSql => {
    const positional = toPositional(expandFragments(name, viewQuery({ name, sql: text })));
    checkParamUse(where, positional.order, declared);
    return positional;
  };
  const athena = form(source, file);
  const local = form(generated, `sql/duckdb/questions/${name}.sql`);
  return {
    name,
    description: header.description,
    params: header.params,
    athenaSql: athena.sql,
    athenaParamOrder: athena.order,
    localSql: local.sql,
    localParamOrder: local.order,
  };
}

let catalogue: readonly Question[] | undefined;

/** Every question of sql/questions/, by name. A source without its generated DuckDB form fails. */
export function loadCatalogue(): readonly Question[] {
  catalogue ??= sqlFilesIn(`${sqlDir}questions/`).map(({ name, text }) => {
    const generatedPath = `${duckDbDir}questions/${name}.sql`;
    if (!existsSync(generatedPath)) {
      throw new CatalogueError(
        `sql/questions/${name}.sql has no DuckDB form yet: run pnpm --filter @shop/query generate`,
      );
    }
    return questionFrom(name, text, readFileSync(generatedPath, "utf8"));
  });
  return catalogue;
}

export function findQuestion(name: string, questions: readonly Question[] = loadCatalogue()): Question {
  const question = questions.find((q) => q.name === name);
  if (!question)
    throw new QuestionUnknownError(
      name,
      questions.map((q) => q.name),
    );
  return question;
}

/** Values by name → the SQL and positional parameters for an engine of this dialect. */
export function bindQuestion(
  question: Question,
  values: Readonly<Record<string, ParamValue>>,
  dialect: SqlDialect,
): BoundQuestion {
  const [sql, order] =
    dialect === "duckdb"
      ? [question.localSql, question.localParamOrder]
      : [question.athenaSql, question.athenaParamOrder];
  return { sql, params: order.map((name) => values[name] ?? null) };
}

export interface RunOptions {
  /** What `today` means for date defaults. @default the current time */
  readonly now?: Date;
}

/**
 * Runs a question with parameters given as text (`{ from: "2026-11-01", device: "mobile" }`): parsed by
 * their declared types (ParamError on a bad one), defaults filled, bound in the engine's dialect.
 */
export async function runQuestion<T extends Row = Row>(
  engine: QueryEngine,
  question: Question,
  given: Readonly<Record<string, string>> = {},
  options: RunOptions = {},
): Promise<T[]> {
  const values = resolveParamValues(question.name, question.params, given, options.now ?? new Date());
  const bound = bindQuestion(question, values, engine.sqlDialect ?? "athena");
  return engine.query<T>(bound.sql, bound.params);
}
