import { readFileSync, type Stats, statSync } from "node:fs";
import type { WriteKeyRing } from "./write-key-ring.js";
import { type KeyRequirements, type WriteKeyTable, writeKeyProblems, writeKeysFromFile } from "./write-key-table.js";

export type ReloadResult = { ok: true; keys: number; sources: number } | { ok: false; problems: string[] };

/** Reads the key file and checks the result, throwing nothing: a bad file is a list of problems. */
export function readWriteKeyFile(
  path: string,
  envKeys: WriteKeyTable,
  requirements: KeyRequirements,
): { table: WriteKeyTable; problems: string[] } {
  const problems: string[] = [];
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { table: new Map(envKeys), problems: [`COLLECTOR_WRITE_KEYS_FILE ${path} cannot be read (${code})`] };
  }
  const table = writeKeysFromFile(text, envKeys, problems);
  problems.push(...writeKeyProblems(table, requirements));
  return { table, problems };
}

/** What tells one version of the file from the next: a rewrite changes mtime or size, a swap the inode. */
function statusOf(path: string): string {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? "unreadable";
  }
  return `${stats.ino}:${stats.mtimeMs}:${stats.size}`;
}

export interface KeyFileReloaderOptions {
  path: string;
  /** COLLECTOR_WRITE_KEYS: always in force, the file's keys are added to them. */
  envKeys: WriteKeyTable;
  requirements: KeyRequirements;
  ring: WriteKeyRing;
  /** How often the file's status is checked (stat follows the symlink swaps of mounted secrets, which inotify misses). */
  pollIntervalMs: number;
  onReload: (result: ReloadResult, trigger: "change" | "signal") => void;
}

/**
 * Keeps the ring in step with the key file: on a change seen by polling, and on SIGHUP. A file that does
 * not read or check cleanly changes nothing (the keys in force stay) and is reported, so a half-written
 * secret never locks every client out. Connections stay open throughout: only the ring is swapped.
 */
export function watchWriteKeyFile(options: KeyFileReloaderOptions): { reload(): ReloadResult; close(): void } {
  const { path, envKeys, requirements, ring, pollIntervalMs, onReload } = options;
  const reload = (): ReloadResult => {
    const { table, problems } = readWriteKeyFile(path, envKeys, requirements);
    if (problems.length > 0) return { ok: false, problems };
    ring.replace(table);
    return { ok: true, keys: table.size, sources: new Set(table.values()).size };
  };
  // The first status is taken now, synchronously, so a change right after start is not missed.
  let seen = statusOf(path);
  const poll = setInterval(() => {
    const status = statusOf(path);
    if (status === seen) return;
    seen = status;
    onReload(reload(), "change");
  }, pollIntervalMs);
  poll.unref();
  const onSignal = () => onReload(reload(), "signal");
  process.on("SIGHUP", onSignal);
  return {
    reload,
    close() {
      clearInterval(poll);
      process.off("SIGHUP", onSignal);
    },
  };
}
