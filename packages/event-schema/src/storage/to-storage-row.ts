import type { CollectedEvent } from "../collected.js";
import { trackEventType } from "../events/values.js";
import type { StorageRow } from "./columns.js";
import {
  type Coercion,
  type ColumnMapping,
  coercions,
  type EventFilter,
  isConstant,
  type StorageMapping,
  storageMapping,
} from "./mapping.js";

/** Raised when a collected event cannot become a storage row; sinks dead-letter it with this reason. */
export class StorageMappingError extends Error {
  readonly code = "storage_mapping_failed";
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = "StorageMappingError";
  }
}

/** Raised when a mapping itself is wrong (a duplicate name, an unknown root, a rule on the wrong type). */
export class MappingDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MappingDefinitionError";
  }
}

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;

const str = (value: unknown): string | null => {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
};

const finite = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null);

/** The coercions of mapping.ts; the sink's byte scanner implements the same rules on bytes. */
export const coerce: Readonly<Record<Coercion, (value: unknown) => string | number | boolean | null>> = {
  string: str,
  upper_code: (value) => str(value)?.toUpperCase() ?? null,
  int32: (value) => {
    const n = finite(value);
    return n !== null && Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 ? n : null;
  },
  double: finite,
  timestamp: (value) => {
    const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
    return Number.isNaN(ms) ? null : ms;
  },
  boolean: (value) => (typeof value === "boolean" ? value : null),
  json_object: (value) => (asObject(value) ? JSON.stringify(value) : null),
};

/** The roots a mapping path may start from: the collected event's own fields. */
export const PATH_ROOTS = ["receivedAt", "enrichment", "event"] as const;

/** A dotted path as its keys. */
export function pathKeys(path: string): readonly string[] {
  const keys = path.split(".");
  if (keys.some((k) => k === "") || !PATH_ROOTS.includes(keys[0] as (typeof PATH_ROOTS)[number])) {
    throw new MappingDefinitionError(`path "${path}" must be dotted keys under ${PATH_ROOTS.join(", ")}`);
  }
  return keys;
}

/** Checks a mapping once, before anything interprets it. */
export function checkMapping(mapping: StorageMapping): void {
  const names = new Set<string>();
  for (const column of mapping) {
    if (!/^[a-z][a-z0-9_]*$/.test(column.name)) throw new MappingDefinitionError(`column name "${column.name}"`);
    if (names.has(column.name)) throw new MappingDefinitionError(`column ${column.name} is mapped twice`);
    names.add(column.name);
    if (!(column.as in coercions)) throw new MappingDefinitionError(`${column.name}: unknown coercion ${column.as}`);
    if (isConstant(column)) {
      if (coercions[column.as].type === "string" || coerce[column.as](column.constant) !== column.constant)
        throw new MappingDefinitionError(`${column.name}: the constant is not a ${column.as}`);
      continue;
    }
    if (column.from.length === 0) throw new MappingDefinitionError(`${column.name}: no source path`);
    for (const path of column.from) pathKeys(path);
    if (column.negativeFor && column.as !== "double")
      throw new MappingDefinitionError(`${column.name}: negativeFor needs a double`);
    for (const list of [column.when?.types, column.when?.track, column.negativeFor]) {
      if (list !== undefined && list.length === 0)
        throw new MappingDefinitionError(`${column.name}: an empty event list fills nothing`);
    }
  }
  for (const name of ["event_type", "event_name"]) {
    if (!names.has(name)) throw new MappingDefinitionError(`a mapping needs ${name}: event filters read it`);
  }
}

/** Whether an event of this type and name fills a column with this filter. */
export function eventMatches(filter: EventFilter | undefined, type: unknown, name: unknown): boolean {
  if (filter === undefined) return true;
  if (filter.types?.includes(type as string)) return true;
  return type === trackEventType && filter.track?.includes(name as string) === true;
}

type Cell = string | number | boolean | null;
type ColumnFn = (collected: Json) => Cell;

function read(root: Json, keys: readonly string[]): unknown {
  let value: unknown = root;
  for (const key of keys) {
    const object = asObject(value);
    if (object === undefined) return undefined;
    value = object[key];
  }
  return value;
}

function compileColumn(column: ColumnMapping): ColumnFn {
  if (isConstant(column)) return () => column.constant;
  const convert = coerce[column.as];
  const paths = column.from.map(pathKeys);
  return (collected) => {
    for (const keys of paths) {
      const value = convert(read(collected, keys));
      if (value !== null) return value;
    }
    if (column.required) {
      const raw = read(collected, paths[0] ?? []);
      const field = column.from[0] ?? column.name;
      throw new StorageMappingError(
        raw === undefined || raw === null
          ? `${field} is missing`
          : `${field} is not ${coercions[column.as].doc}: ${String(raw)}`,
        field,
      );
    }
    return null;
  };
}

/** A storage row of any mapping, as plain values (timestamps as epoch ms). */
export type MappedRow = Record<string, Cell>;

/**
 * Compiles a mapping into the function from a collected event to its row. Pure: the same input
 * always gives the same row, which is what makes a retried sink batch write byte-identical files.
 */
export function compileStorageRow(mapping: StorageMapping): (collected: CollectedEvent) => MappedRow {
  checkMapping(mapping);
  const names = mapping.map((c) => c.name);
  const fns = mapping.map(compileColumn);
  const filters = mapping.map((c) => (isConstant(c) ? undefined : c.when));
  const negativeFor = mapping.map((c) => (isConstant(c) ? undefined : c.negativeFor));
  return (collected) => {
    const root = collected as unknown as Json;
    const row: MappedRow = {};
    // Filters read event_type and event_name, so those are known before any filtered column.
    for (let i = 0; i < fns.length; i++) row[names[i] as string] = filters[i] ? null : (fns[i] as ColumnFn)(root);
    const { event_type: type, event_name: name } = row;
    for (let i = 0; i < fns.length; i++) {
      const filter = filters[i];
      if (filter && eventMatches(filter, type, name)) row[names[i] as string] = (fns[i] as ColumnFn)(root);
      const negative = negativeFor[i];
      const value = row[names[i] as string];
      if (negative && typeof value === "number" && eventMatches({ track: negative }, type, name)) {
        row[names[i] as string] = -Math.abs(value);
      }
    }
    return row;
  };
}

const contractRow = compileStorageRow(storageMapping);

/** Maps a collected event to its storage row by the contract's mapping (see compileStorageRow). */
export const toStorageRow = (collected: CollectedEvent): StorageRow => contractRow(collected) as StorageRow;
