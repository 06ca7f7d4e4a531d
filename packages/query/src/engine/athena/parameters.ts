import { SqlError } from "../../errors.js";
import type { QueryParam } from "../types.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * One `?` value as the SQL constant Athena's `ExecutionParameters` expects. Athena binds each as a
 * constant expression (it refuses columns and function calls), so the value's type must be spelled:
 * text as a quoted literal with `'` doubled (a bare word would be read as a column), integers as digits
 * (INTEGER, or BIGINT past 2^31), other numbers as `DOUBLE '…'` (a bare `1.5` would be a DECIMAL),
 * booleans as `true`/`false`, null as `NULL`. The SQL text itself is never touched.
 */
export function executionParameter(value: QueryParam, index = 0): string {
  if (value === null) return "NULL";
  switch (typeof value) {
    case "string":
      return `'${value.replaceAll("'", "''")}'`;
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new SqlError("SQL_INVALID", `parameter ${index + 1}: ${value} does not fit Athena's bigint`);
      }
      return String(value);
    case "number":
      if (!Number.isFinite(value)) {
        throw new SqlError("SQL_INVALID", `parameter ${index + 1}: ${value} has no SQL literal`);
      }
      return Number.isSafeInteger(value) ? String(value) : `DOUBLE '${String(value)}'`;
    default:
      throw new SqlError("SQL_INVALID", `parameter ${index + 1}: a ${typeof value} cannot be a query parameter`);
  }
}

/** The `ExecutionParameters` of a call, or none: Athena refuses an empty list. */
export function executionParameters(params: readonly QueryParam[] = []): string[] | undefined {
  return params.length === 0 ? undefined : params.map((value, index) => executionParameter(value, index));
}
