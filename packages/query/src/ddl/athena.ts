import { DdlInputError, DdlTemplateError } from "../errors.js";
import { athenaType, sessionsTable } from "../tables.js";

export interface DdlTarget {
  /** Glue database: lower-case letters, digits and underscores (what Athena accepts unquoted). */
  readonly database: string;
  /** Dataset root, e.g. `s3://bucket/prefix/events`; a trailing slash is dropped. */
  readonly location: string;
}

const DATABASE = /^[a-z0-9_]{1,255}$/;
// Bucket naming rules, then only the characters S3 documents as safe in keys: no quote, backslash,
// `$`, `{` or whitespace can reach the DDL, so nothing can close the string literal or fake a placeholder.
const LOCATION = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:\/[A-Za-z0-9!\-_.*()=+]+)*\/*$/;

export function validateDatabase(database: string): string {
  if (!DATABASE.test(database)) {
    throw new DdlInputError(
      `database ${JSON.stringify(database)} is not a valid Athena database name (lower-case letters, digits, _)`,
    );
  }
  return database;
}

export function validateLocation(location: string): string {
  if (!LOCATION.test(location)) {
    throw new DdlInputError(
      `location ${JSON.stringify(location)} must look like s3://bucket/path, with only letters, digits and !-_.*()=+ in the path`,
    );
  }
  return location.replace(/\/+$/, "");
}

/**
 * Fills `{{name}}` placeholders. Every expected placeholder must be in the template and none may be left
 * after: a template that changed shape fails here rather than producing DDL Athena half-understands.
 */
export function fillDdlTemplate(template: string, values: Readonly<Record<string, string>>): string {
  let out = template;
  for (const [name, value] of Object.entries(values)) {
    const placeholder = `{{${name}}}`;
    if (!out.includes(placeholder)) throw new DdlTemplateError(`the DDL template has no ${placeholder} placeholder`);
    // A function replacement: `$&`-style patterns in the value must stay literal.
    out = out.replaceAll(placeholder, () => value);
  }
  const leftover = /\{\{[^}]*\}\}/.exec(out);
  if (leftover) throw new DdlTemplateError(`the DDL template has an unfilled placeholder ${leftover[0]}`);
  return out;
}

/** The contract's events DDL (template text passed in), for one database and location. */
export function renderEventsDdlFrom(template: string, target: DdlTarget): string {
  return fillDdlTemplate(template, {
    database: validateDatabase(target.database),
    location: validateLocation(target.location),
  });
}

const quote = (text: string) => text.replaceAll("'", "''");

/** Sessions written by Spark: one dt partition per UTC day, projected like the events table. */
export function renderSessionsDdl(target: DdlTarget): string {
  const database = validateDatabase(target.database);
  const location = validateLocation(target.location);
  const columns = sessionsTable.columns
    .map((c) => `  \`${c.name}\` ${athenaType[c.type]} COMMENT '${quote(c.doc ?? "")}'`)
    .join(",\n");
  const partitions = sessionsTable.partitions.map((c) => `\`${c.name}\` ${athenaType[c.type]}`).join(", ");
  return `-- Declared in packages/query/src/tables.ts until the sessions row is part of @shop/event-schema.
CREATE EXTERNAL TABLE IF NOT EXISTS \`${database}\`.\`sessions\` (
${columns}
)
PARTITIONED BY (${partitions})
STORED AS PARQUET
LOCATION '${location}/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2024-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = '${location}/dt=\${dt}/'
);
`;
}

export interface ViewSource {
  /** File name without `.sql`; becomes the view name. */
  readonly name: string;
  /** The file's text: leading `--` lines document the view, the rest is one SELECT. */
  readonly sql: string;
}

const VIEW_NAME = /^[a-z][a-z0-9_]*$/;

/** The SELECT of a view file: leading comment lines and a trailing semicolon removed. */
export function viewQuery(view: ViewSource): string {
  if (!VIEW_NAME.test(view.name)) throw new DdlInputError(`view name ${JSON.stringify(view.name)} is not valid`);
  const lines = view.sql.split("\n");
  while (lines.length > 0 && /^\s*(--.*)?$/.test(lines[0] ?? "")) lines.shift();
  const body = lines.join("\n").trim().replace(/;\s*$/, "");
  if (body === "") throw new DdlInputError(`view ${view.name} has no query`);
  return body;
}

/** Athena (Trino) view DDL. Tables inside the query stay unqualified: run it with the database as context. */
export function renderViewDdl(view: ViewSource, target: Pick<DdlTarget, "database">): string {
  const database = validateDatabase(target.database);
  return `CREATE OR REPLACE VIEW "${database}"."${view.name}" AS\n${viewQuery(view)};\n`;
}
