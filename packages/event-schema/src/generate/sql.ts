import { eventGroups, eventNames, eventTypeGroups } from "../events/groups.js";
import { columnValues } from "../events/values.js";
import type { LakeTable } from "../storage/columns.js";
import { eventsDedupRule } from "../storage/dedup.js";
import { lakeTables } from "../storage/tables.js";
import { GENERATED_NOTICE } from "./header.js";

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
const list = (items: readonly string[]) => items.map(literal).join(", ");
const columnList = (table: LakeTable) => [...table.columns, ...table.partitions].map((c) => c.name).join(", ");

/**
 * The SQL fragments views are written with: `{{event.order_completed}}` is `'Order Completed'`,
 * `{{group.funnel}}` the funnel's names as a list for IN (…), `{{types.page_view}}` event types,
 * `{{value.event_type.track}}` a value of a column the contract lists the values of,
 * `{{dedup.events}}` the ORDER BY of the dedup rule (first row wins), `{{columns.events}}` a table's
 * columns. The query package fills them in; a view never spells a name the contract owns.
 */
export function sqlFragments(): Record<string, string> {
  const fragments: Record<string, string> = { $comment: GENERATED_NOTICE };
  for (const [key, name] of Object.entries(eventNames)) fragments[`event.${key}`] = literal(name);
  for (const [key, group] of Object.entries(eventGroups)) fragments[`group.${key}`] = list(group.events);
  for (const [key, group] of Object.entries(eventTypeGroups)) fragments[`types.${key}`] = list(group.types);
  for (const [column, values] of Object.entries(columnValues)) {
    for (const value of values) fragments[`value.${column}.${value}`] = literal(value);
  }
  fragments["dedup.events"] = eventsDedupRule.order.map((c) => `${c} ASC NULLS LAST`).join(", ");
  fragments["dedup.events.key"] = eventsDedupRule.key;
  for (const table of lakeTables) fragments[`columns.${table.name}`] = columnList(table);
  return fragments;
}
