/** Helpers for other packages' tests: the contract's own way to turn wire fixtures into Kafka records and rows. */
export { collectFixture, storageRowsFor, storageRowsJsonl, type WireFixture } from "./generate/fixtures.js";
