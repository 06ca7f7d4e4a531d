import { columnTypes, type LakeTable } from "../storage/columns.js";
import { deadLettersLakeTable } from "../storage/dead-letters.js";
import type { LakeTableName } from "../storage/tables.js";
import { GENERATED_NOTICE } from "./header.js";

const quote = (text: string) => text.replaceAll("'", "''");

/** How Athena's partition projection enumerates one partition column's values. */
export type PartitionProjection =
  | { readonly type: "date"; readonly format: string; readonly range: string; readonly intervalDays: number }
  | { readonly type: "integer"; readonly range: readonly [number, number]; readonly digits?: number }
  | { readonly type: "enum"; readonly values: readonly string[] };

export interface AthenaTableSettings {
  /** A projection for every partition column of the table. */
  readonly projection: Readonly<Record<string, PartitionProjection>>;
  /** Table properties written before the projection ones. */
  readonly properties?: Readonly<Record<string, string>>;
}

/** UTC days from the lake's first day up to today, as both tables' dt is written. */
const utcDays: PartitionProjection = { type: "date", format: "yyyy-MM-dd", range: "2024-01-01,NOW", intervalDays: 1 };

/** Athena settings of each lake table; the columns come from the contract. */
export const athenaSettings: Readonly<Record<LakeTableName, AthenaTableSettings>> = {
  events: {
    // The sink writes ZSTD; Athena's own writes into the table (INSERT INTO) follow this property.
    properties: { "parquet.compression": "ZSTD" },
    projection: { dt: utcDays, hour: { type: "integer", range: [0, 23], digits: 2 } },
  },
  sessions: { projection: { dt: utcDays } },
  fraud_alerts: { projection: { dt: utcDays } },
  users: { projection: { dt: utcDays } },
  daily_metrics: { projection: { dt: utcDays } },
  live_metrics: { projection: { dt: utcDays } },
  dead_letters: {
    projection: {
      stage: { type: "enum", values: deadLettersLakeTable.partitions[0].values },
      dt: utcDays,
      hour: { type: "integer", range: [0, 23], digits: 2 },
    },
  },
};

function projectionProperties(name: string, projection: PartitionProjection): Array<[string, string]> {
  const key = (suffix: string) => `projection.${name}.${suffix}`;
  if (projection.type === "enum") {
    return [
      [key("type"), "enum"],
      [key("values"), projection.values.join(",")],
    ];
  }
  if (projection.type === "date") {
    return [
      [key("type"), "date"],
      [key("format"), projection.format],
      [key("range"), projection.range],
      [key("interval"), String(projection.intervalDays)],
      [key("interval.unit"), "DAYS"],
    ];
  }
  return [
    [key("type"), "integer"],
    [key("range"), projection.range.join(",")],
    ...(projection.digits === undefined ? [] : [[key("digits"), String(projection.digits)] as [string, string]]),
  ];
}

/**
 * Parquet, or JSON Lines read by the OpenX JSON SerDe: unlike the Hive JSON SerDe it maps columns to
 * differently named keys (`mapping.*`), and a string column holding a JSON object or array reads as that
 * value's JSON text, which `reason` and `original` need. Both are plain text files to Athena.
 */
function storageClause(table: LakeTable): string {
  const storage = table.storage ?? { format: "parquet" };
  if (storage.format === "parquet") return "STORED AS PARQUET";
  const mappings = Object.entries(storage.keys ?? {}).map(([column, key]) => {
    if (!table.columns.some((c) => c.name === column)) throw new Error(`${table.name}: no column ${column} to map`);
    return `  'mapping.${column}' = '${quote(key)}'`;
  });
  const serdeProperties = mappings.length > 0 ? ["WITH SERDEPROPERTIES (", mappings.join(",\n"), ")"] : [];
  return [
    "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'",
    ...serdeProperties,
    "STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'",
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
  ].join("\n");
}

/**
 * Athena (Glue) DDL of one lake table. Partition projection makes every new partition queryable the moment
 * it is written: no MSCK REPAIR, no crawler. `{{database}}` and `{{location}}` are filled in at deploy time;
 * `${dt}`/`${hour}` belong to Athena's projection template.
 */
export function athenaTableDdl(table: LakeTable, settings: AthenaTableSettings): string {
  const columns = table.columns
    .map((c) => `  \`${c.name}\` ${columnTypes[c.type].athena} COMMENT '${quote(c.doc)}'`)
    .join(",\n");
  const partitions = table.partitions.map((c) => `\`${c.name}\` ${columnTypes[c.type].athena}`).join(", ");
  const projections = table.partitions.flatMap((c) => {
    const projection = settings.projection[c.name];
    if (projection === undefined) throw new Error(`${table.name}: no partition projection for ${c.name}`);
    return projectionProperties(c.name, projection);
  });
  const template = `{{location}}/${table.partitions
    .map((c) => (c.inKey === "value" ? `\${${c.name}}/` : `${c.name}=\${${c.name}}/`))
    .join("")}`;
  const properties: Array<[string, string]> = [
    ...Object.entries(settings.properties ?? {}),
    ["projection.enabled", "true"],
    ...projections,
    ["storage.location.template", template],
  ];
  return `-- ${GENERATED_NOTICE}
CREATE EXTERNAL TABLE IF NOT EXISTS \`{{database}}\`.\`${table.name}\` (
${columns}
)
PARTITIONED BY (${partitions})
${storageClause(table)}
LOCATION '{{location}}/'
TBLPROPERTIES (
${properties.map(([key, value]) => `  '${key}' = '${quote(value)}'`).join(",\n")}
);
`;
}
