import { storageMapping } from "../storage/mapping.js";
import { lakeTables } from "../storage/tables.js";
import { athenaSettings, athenaTableDdl } from "./athena.js";
import { storageMappingDoc } from "./docs.js";
import { collectFixture, storageRowsFor, storageRowsJsonl, type WireFixture } from "./fixtures.js";
import { GENERATED_NOTICE } from "./header.js";
import { jsonSchemaFiles } from "./json-schema.js";
import { lakeFixtureFiles } from "./lake-fixtures.js";
import { pythonContractModule } from "./python.js";
import { sparkPartitionColumns, sparkStructType } from "./spark.js";
import { sqlFragments } from "./sql.js";

export { athenaSettings, athenaTableDdl } from "./athena.js";
export { GENERATED_NOTICE } from "./header.js";
export { expectedMoney } from "./lake-fixtures.js";
export { pythonContractModule } from "./python.js";
export { sparkPartitionColumns, sparkStructType } from "./spark.js";
export { sqlFragments } from "./sql.js";

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Where the Spark jobs import the contract from (a path relative to this package's root). */
export const PYTHON_CONTRACT_PATH = "../processing-jobs/src/shop_jobs/contract.py";

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
  files["generated/sql/fragments.json"] = json(sqlFragments());
  files["generated/docs/storage-mapping.md"] = storageMappingDoc(storageMapping);
  files[PYTHON_CONTRACT_PATH] = pythonContractModule();
  // The storage mapping as data for the Spark reader of raw Kafka records (shop_jobs.transforms.collected).
  files["generated/spark/events.mapping.json"] = json({ $comment: GENERATED_NOTICE, columns: storageMapping });
  files["fixtures/storage/collected.jsonl"] = validWireFixtures
    .map((fixture) => `${JSON.stringify(collectFixture(fixture))}\n`)
    .join("");
  files["fixtures/storage/rows.jsonl"] = storageRowsJsonl(storageRowsFor(validWireFixtures));
  Object.assign(files, lakeFixtureFiles(validWireFixtures));
  return files;
}

export type { WireFixture };
