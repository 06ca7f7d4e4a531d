import { type ColumnType, partitionColumns, storageColumns } from "../storage/columns.js";
import { GENERATED_NOTICE } from "./header.js";

const athenaType: Record<ColumnType, string> = {
  string: "string",
  int32: "int",
  double: "double",
  boolean: "boolean",
  timestamp_ms: "timestamp",
};

const quote = (text: string) => text.replaceAll("'", "''");

/**
 * Athena (Glue) DDL for the events table. Partition projection makes every new dt/hour queryable the
 * moment the sink writes it: no MSCK REPAIR, no crawler. `{{database}}` and `{{location}}` are filled in
 * at deploy time; `${dt}`/`${hour}` belong to Athena's projection template.
 */
export function athenaEventsDdl(): string {
  const columns = storageColumns
    .map((c) => `  \`${c.name}\` ${athenaType[c.type]} COMMENT '${quote(c.doc)}'`)
    .join(",\n");
  const partitions = partitionColumns.map((c) => `\`${c.name}\` ${athenaType[c.type]}`).join(", ");
  return `-- ${GENERATED_NOTICE}
CREATE EXTERNAL TABLE IF NOT EXISTS \`{{database}}\`.\`events\` (
${columns}
)
PARTITIONED BY (${partitions})
STORED AS PARQUET
LOCATION '{{location}}/'
TBLPROPERTIES (
  'parquet.compression' = 'ZSTD',
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2024-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'projection.hour.type' = 'integer',
  'projection.hour.range' = '0,23',
  'projection.hour.digits' = '2',
  'storage.location.template' = '{{location}}/dt=\${dt}/hour=\${hour}/'
);
`;
}
