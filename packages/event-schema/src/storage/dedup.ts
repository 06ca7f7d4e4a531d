import { type ColumnDefinition, storageColumns } from "./columns.js";

/**
 * The one deduplication rule of the lake. Delivery is at least once (SDK re-sends, Kafka redelivery,
 * Lambda retries), so one event_id can have several copies, and copies can differ (a re-send is
 * received later, with another sentAt and skew correction). Every reader keeps the same copy:
 *
 * 1. the copy the collector received first (smallest received_at) wins: it is the event as first
 *    accepted, and later copies are re-sends of it;
 * 2. copies received in the same millisecond are ordered by every other column in file order,
 *    ascending, nulls last: a total order, so the winner never depends on file or read order.
 *
 * Strings compare by Unicode code point (the byte order of UTF-8, which is how Trino, DuckDB and
 * Spark compare them); false sorts before true. The views (generated/sql/fragments.json), the
 * compaction and Spark (shop_jobs/contract.py) all apply this rule from here.
 */
export interface DedupRule {
  /** The column copies share. */
  readonly key: string;
  /** Sort keys, first wins; every key is ascending with nulls last. */
  readonly order: readonly string[];
}

/** The rule over a table's columns: received_at first, then every other column in order. */
export function dedupRuleFor(columns: readonly ColumnDefinition[], key = "event_id", first = "received_at"): DedupRule {
  const names = columns.map((c) => c.name);
  if (!names.includes(key) || !names.includes(first)) {
    throw new Error(`a dedup rule needs the columns ${key} and ${first}`);
  }
  return { key, order: [first, ...names.filter((n) => n !== key && n !== first)] };
}

export const eventsDedupRule = dedupRuleFor(storageColumns);

type Value = string | number | boolean | null | undefined;

/** Code point order without allocating: UTF-16 order differs from it only around surrogates. */
function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    // A surrogate (a code point past U+FFFF) sorts after every other code unit.
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function compareValues(a: Value, b: Value): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
  if (typeof a === "string" && typeof b === "string") return compareText(a, b);
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** Negative when copy `a` wins over copy `b` under `rule`; 0 only for copies equal in every key. */
export function compareCopies(rule: DedupRule, a: Readonly<Record<string, Value>>, b: Readonly<Record<string, Value>>) {
  for (const column of rule.order) {
    const order = compareValues(a[column], b[column]);
    if (order !== 0) return order;
  }
  return 0;
}
