import type { TableColumn, TableDefinition } from "../../src/tables.js";

/**
 * Rows for a table the contract's fixtures do not cover, made from its declared columns: every type gets
 * values that are awkward to round-trip (a quote, a negative and a fraction, a millisecond, a null) so a
 * Parquet reader that loses one shows it. Row i is different from row j in every column.
 */
export function syntheticRows(table: TableDefinition<string>, count: number, day: string): Record<string, unknown>[] {
  const value = (column: TableColumn, i: number): unknown => {
    if (i === count - 1 && column !== table.columns[0]) return null;
    switch (column.type) {
      case "string":
        // A column holding JSON text (the contract names them *_json) gets JSON a question can parse.
        return column.name.endsWith("_json")
          ? JSON.stringify([{ code: `rule_${i}`, text: `${column.name} ${i} it's`, weight: i + 0.5 }])
          : `${column.name} ${i} it's`;
      case "int32":
        return i % 2 === 0 ? 2_147_483_000 + i : -i;
      case "double":
        return i % 2 === 0 ? 0.1 + i : -1234.5678 * (i + 1);
      case "boolean":
        return i % 2 === 0;
      case "timestamp_ms":
        return new Date(Date.parse(`${day}T00:00:00.000Z`) + i * 3_600_000 + 123).toISOString();
    }
  };
  return Array.from({ length: count }, (_, i) => Object.fromEntries(table.columns.map((c) => [c.name, value(c, i)])));
}
