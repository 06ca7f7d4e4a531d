/**
 * Write keys as configured: `key=sourceId` entries, from COLLECTOR_WRITE_KEYS (comma-separated) and from
 * the file COLLECTOR_WRITE_KEYS_FILE names (one or more entries per line, `#` starts a comment), so a key
 * can live in a mounted secret rather than in the process environment. Pure: the caller reads the file.
 */

/** Source ids label metrics and enrich every event: short and plain, so they are safe everywhere. */
const SOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export type WriteKeyTable = Map<string, string>;

/** Entries (`key=sourceId`) into `table`; `origin` names where they came from in problems. */
function addEntries(table: WriteKeyTable, entries: string[], origin: string, problems: string[]): void {
  for (const entry of entries) {
    const separator = entry.indexOf("=");
    const key = entry.slice(0, separator).trim();
    const source = entry.slice(separator + 1).trim();
    if (separator < 1 || !key || !source) {
      // The entry itself may be a bare key: never echo it.
      problems.push(`${origin}: an entry is not key=sourceId`);
      continue;
    }
    if (/\s/.test(key)) {
      problems.push(`${origin}: the key for source "${source}" contains white space`);
      continue;
    }
    if (!SOURCE_ID.test(source)) {
      problems.push(`${origin}: source id "${source.slice(0, 80)}" must be letters, digits, . _ or - (at most 64)`);
      continue;
    }
    const known = table.get(key);
    if (known !== undefined && known !== source) {
      problems.push(`${origin}: one key is given to two sources ("${known}" and "${source}")`);
      continue;
    }
    table.set(key, source);
  }
}

/** The keys of COLLECTOR_WRITE_KEYS's value. */
export function writeKeysFromList(value: string | undefined, problems: string[]): WriteKeyTable {
  const table: WriteKeyTable = new Map();
  const entries = (value ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  addEntries(table, entries, "COLLECTOR_WRITE_KEYS", problems);
  return table;
}

/** The keys of a key file's text, added to a copy of `base` (the environment's keys). */
export function writeKeysFromFile(text: string, base: WriteKeyTable, problems: string[]): WriteKeyTable {
  const table: WriteKeyTable = new Map(base);
  const entries = text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, ""))
    .flatMap((line) => line.split(","))
    .map((e) => e.trim())
    .filter(Boolean);
  addEntries(table, entries, "COLLECTOR_WRITE_KEYS_FILE", problems);
  return table;
}

/** What the rest of the configuration expects of the keys: checked at start and again on every reload. */
export interface KeyRequirements {
  /** Sources other settings name (per-source origins, server-side sources), each with the setting's name. */
  namedSources: Array<{ source: string; setting: string }>;
  /** COLLECTOR_ALLOW_NO_WRITE_KEYS: local development without authentication. */
  allowNoWriteKeys: boolean;
}

export function writeKeyProblems(table: WriteKeyTable, { namedSources, allowNoWriteKeys }: KeyRequirements): string[] {
  const problems: string[] = [];
  if (table.size === 0 && !allowNoWriteKeys) {
    problems.push(
      "no write keys: set COLLECTOR_WRITE_KEYS or COLLECTOR_WRITE_KEYS_FILE (key=sourceId entries), or COLLECTOR_ALLOW_NO_WRITE_KEYS=true for local development, where anyone may send",
    );
  }
  const sources = new Set(table.values());
  for (const { source, setting } of namedSources) {
    if (!sources.has(source)) problems.push(`${setting} names source "${source}", which no write key maps to`);
  }
  return problems;
}
