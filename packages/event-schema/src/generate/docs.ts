import { eventGroups, eventTypeGroups } from "../events/groups.js";
import { columnTypes } from "../storage/column-types.js";
import { eventsDedupRule } from "../storage/dedup.js";
import { coercions, isConstant, STORAGE_SCHEMA_VERSION, type StorageMapping } from "../storage/mapping.js";
import { GENERATED_NOTICE } from "./header.js";

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
const code = (text: string) => `\`${text}\``;

function filledBy(column: StorageMapping[number]): string {
  if (isConstant(column) || column.when === undefined) return "every event";
  const parts = [
    ...(column.when.types ? [`types ${column.when.types.join(", ")}`] : []),
    ...(column.when.track ? [column.when.track.join(", ")] : []),
  ];
  return parts.join("; ");
}

/** generated/docs/storage-mapping.md: the mapping as a table people read (the README links it). */
export function storageMappingDoc(mapping: StorageMapping): string {
  const rows = mapping.map((column) => {
    const source = isConstant(column) ? `constant ${column.constant}` : column.from.map(code).join(", then ");
    const rules = [
      ...(column.required ? ["required"] : []),
      ...(!isConstant(column) && column.negativeFor ? [`negative for ${column.negativeFor.join(", ")}`] : []),
      ...(column.prune ? ["min/max statistics"] : []),
    ].join("; ");
    const type = columnTypes[coercions[column.as].type];
    return `| ${code(column.name)} | ${type.athena} | ${cell(source)} | ${column.as} | ${cell(filledBy(column))} | ${rules} | ${cell(column.doc)} |`;
  });
  const groups = Object.entries(eventGroups).map(
    ([key, g]) => `| ${code(key)} | ${g.events.join(", ")} | ${cell(g.doc)} |`,
  );
  const typeGroups = Object.entries(eventTypeGroups).map(
    ([key, g]) => `| ${code(key)} | ${g.types.join(", ")} | ${cell(g.doc)} |`,
  );
  const types = Object.entries(columnTypes).map(
    ([name, t]) =>
      `| ${code(name)} | ${t.arrow} | ${t.parquet.physical}${"logical" in t.parquet ? ` (${t.parquet.logical.type})` : ""} | ${t.spark} | ${t.athena} | ${t.duckdb} |`,
  );
  return `<!-- ${GENERATED_NOTICE} -->
# The storage mapping (schema version ${STORAGE_SCHEMA_VERSION})

Every column of the \`events\` table: where its value comes from in the collected event (paths tried in
order; the first value the coercion takes wins), the coercion, which events fill it (the others leave it
null), derived rules, and its doc. \`toStorageRow\` and the sink's byte scanner both interpret this table.

| column | type | from | coercion | filled by | rules | doc |
|---|---|---|---|---|---|---|
${rows.join("\n")}

## Coercions

| coercion | column type | takes |
|---|---|---|
${Object.entries(coercions)
  .map(([name, c]) => `| ${code(name)} | ${c.type} | ${c.doc} |`)
  .join("\n")}

## Column types in every engine

| type | Arrow | Parquet | Spark | Athena / Trino | DuckDB |
|---|---|---|---|---|---|
${types.join("\n")}

## Event groups

| group | track events | meaning |
|---|---|---|
${groups.join("\n")}

| type group | event types | meaning |
|---|---|---|
${typeGroups.join("\n")}

## Deduplication

Copies of one \`${eventsDedupRule.key}\` are ordered by ${eventsDedupRule.order
    .slice(0, 3)
    .map(code)
    .join(", ")}, … (every column but the key, ascending, nulls last; received_at first) and the first wins.
`;
}
