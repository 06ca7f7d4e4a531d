import { SqlError } from "../../errors.js";
import type { QueryParam } from "../types.js";

/**
 * A parameter as a Trino literal for `EXECUTE … USING`, which takes literals only. A string is a varchar
 * literal with its quotes doubled: Trino's string literals have no other escape, so nothing in the value can
 * end the literal. Integers are INTEGER (BIGINT beyond 32 bits), fractions DOUBLE, as a typed parameter would be.
 */
export function trinoLiteral(param: QueryParam): string {
  if (param === null) return "NULL";
  switch (typeof param) {
    case "string":
      if (param.includes("\u0000")) throw new SqlError("SQL_INVALID", "a string parameter contains a NUL character");
      return `'${param.replaceAll("'", "''")}'`;
    case "boolean":
      return param ? "TRUE" : "FALSE";
    case "bigint":
      return `BIGINT '${param.toString()}'`;
    case "number":
      if (Number.isNaN(param)) return "nan()";
      if (!Number.isFinite(param)) return param > 0 ? "infinity()" : "-infinity()";
      if (Number.isInteger(param) && Number.isSafeInteger(param)) {
        return param >= -(2 ** 31) && param < 2 ** 31 ? String(param) : `BIGINT '${param}'`;
      }
      // A typed literal: a bare `1.5` would be a DECIMAL in Trino. JS prints the shortest text that round-trips.
      return `DOUBLE '${param}'`;
    default:
      throw new SqlError("SQL_INVALID", `unsupported parameter type ${typeof param}`);
  }
}

const NAME = /^[a-z_][a-z0-9_]*$/;

/** The X-Trino-Prepared-Statement header value that makes `name` mean `sql` for one request. */
export function preparedStatementHeader(name: string, sql: string): string {
  if (!NAME.test(name)) throw new SqlError("SQL_INVALID", `invalid prepared statement name ${JSON.stringify(name)}`);
  return `${name}=${encodeURIComponent(sql)}`;
}

/** The statement that runs a prepared statement with its parameters. */
export function executeStatement(name: string, params: readonly QueryParam[]): string {
  return params.length === 0 ? `EXECUTE ${name}` : `EXECUTE ${name} USING ${params.map(trinoLiteral).join(", ")}`;
}
