import { CatalogueError } from "../errors.js";

// A string literal, a quoted identifier or a comment (skipped), or a named parameter `:name`. The
// transpiler (transpile/shop_transpile/transpile.py) finds parameters by the same rule.
const TOKENS = /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|(?<![:\w]):([a-z][a-z0-9_]*)/g;

export interface PositionalSql {
  /** The SQL with every `:name` replaced by `?`. */
  readonly sql: string;
  /** The parameter each `?` stands for, in order: a parameter used twice is bound twice. */
  readonly order: readonly string[];
}

/** Named parameters to positional `?` (Athena execution parameters and DuckDB prepared statements). */
export function toPositional(sql: string): PositionalSql {
  const order: string[] = [];
  const out = sql.replace(TOKENS, (match, name: string | undefined) => {
    if (name === undefined) return match;
    order.push(name);
    return "?";
  });
  return { sql: out, order };
}

/** Fails unless the SQL uses exactly the declared parameters (each at least once). */
export function checkParamUse(where: string, order: readonly string[], declared: readonly string[]): void {
  const used = new Set(order);
  const undeclared = [...used].filter((name) => !declared.includes(name));
  if (undeclared.length > 0) {
    throw new CatalogueError(`${where}: uses undeclared parameter(s) ${undeclared.map((n) => `:${n}`).join(", ")}`);
  }
  const unused = declared.filter((name) => !used.has(name));
  if (unused.length > 0) throw new CatalogueError(`${where}: declares unused parameter(s) ${unused.join(", ")}`);
}
