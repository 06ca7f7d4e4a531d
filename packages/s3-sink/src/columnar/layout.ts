import {
  type ColumnDefinition,
  checkMapping,
  columnsOf,
  type StorageMapping,
  storageMapping,
} from "@shop/event-schema";

/**
 * What the sink needs to know about a storage mapping, worked out once: its columns in file order,
 * which hold strings, which engines prune with, which repeat. Everything in the sink — the scanner,
 * the row batches, both Parquet writers — takes a layout, so a mapping with one more column (a test's
 * copy of the contract's, or the next schema version) flows through without a change here.
 */
export interface StorageLayout {
  readonly mapping: StorageMapping;
  readonly columns: readonly ColumnDefinition[];
  /** Index of each column by name. */
  readonly index: Readonly<Record<string, number>>;
  /** 1 for a string column, 0 for the rest (numbers, booleans, timestamps), by column index. */
  readonly stringFlags: Uint8Array;
  /** Columns with min/max statistics (the mapping's `prune`). */
  readonly statistics: ReadonlySet<string>;
  /** Columns dictionary-encoded in compacted files (the mapping's `repeats`). */
  readonly dictionary: ReadonlySet<string>;
}

export function storageLayout(mapping: StorageMapping): StorageLayout {
  checkMapping(mapping);
  const columns = columnsOf(mapping) as readonly ColumnDefinition[];
  return {
    mapping,
    columns,
    index: Object.fromEntries(columns.map((c, i) => [c.name, i])),
    stringFlags: Uint8Array.from(columns.map((c) => (c.type === "string" ? 1 : 0))),
    statistics: new Set(mapping.filter((m) => m.prune).map((m) => m.name)),
    dictionary: new Set(mapping.filter((m) => m.repeats).map((m) => m.name)),
  };
}

/** The contract's layout: what the sink writes in production. */
export const contractLayout: StorageLayout = storageLayout(storageMapping);
