import { lakeTables } from "../storage/tables.js";
import { athenaSettings, athenaTableDdl } from "./athena.js";
import { storageRowsFor, storageRowsJsonl, type WireFixture } from "./fixtures.js";
import { jsonSchemaFiles } from "./json-schema.js";
import { sparkPartitionColumns, sparkStructType } from "./spark.js";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Every generated file of the package, keyed by its path relative to the package root.
 * Pure, so the staleness test can compare it with what is on disk.
 */
export function renderGeneratedFiles(validWireFixtures: WireFixture[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [path, schema] of Object.entries(jsonSchemaFiles())) files[`generated/${path}`] = json(schema);
  for (const table of lakeTables) {
    files[`generated/spark/${table.name}.json`] = json(sparkStructType(table));
    files[`generated/spark/${table.name}.partitions.json`] = json(sparkPartitionColumns(table));
    files[`generated/athena/${table.name}.sql`] = athenaTableDdl(table, athenaSettings[table.name]);
  }
  files["fixtures/storage/rows.jsonl"] = storageRowsJsonl(storageRowsFor(validWireFixtures));
  return files;
}

export type { WireFixture };
