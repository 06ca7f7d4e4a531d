import { createHash, timingSafeEqual } from "node:crypto";
import { CollectorError } from "../http/errors.js";
import type { WriteKeyTable } from "./write-key-table.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/**
 * The write keys in force, swappable while the collector serves (a reloaded key file). Keys are kept
 * only as hashes and compared in constant time, so neither a memory dump nor response timing reveals them.
 */
export class WriteKeyRing {
  #entries: Array<{ hash: Buffer; source: string }> = [];

  constructor(table: WriteKeyTable) {
    this.replace(table);
  }

  /** Takes effect for the next request; requests already admitted keep their source. */
  replace(table: WriteKeyTable): void {
    this.#entries = [...table].map(([key, source]) => ({ hash: sha256(key), source }));
  }

  /** No keys: local development, authentication off. */
  get authenticating(): boolean {
    return this.#entries.length > 0;
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The source id of `key`; undefined when authentication is off; 401 errors for a missing or unknown key. */
  resolve(key: string | undefined): string | undefined {
    const entries = this.#entries;
    if (entries.length === 0) return undefined;
    if (!key) throw new CollectorError("missing_write_key");
    const candidate = sha256(key);
    let found: string | undefined;
    for (const entry of entries) if (timingSafeEqual(entry.hash, candidate)) found = entry.source;
    if (found === undefined) throw new CollectorError("invalid_write_key");
    return found;
  }
}

/** Segment clients send the key as the Basic auth user name; beacons put it in the body. */
export function writeKeyFrom(
  headers: Record<string, string | string[] | undefined>,
  body: unknown,
): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === "string" && authorization.startsWith("Basic ")) {
    const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8");
    const user = decoded.split(":")[0];
    if (user) return user;
  }
  const header = headers["x-write-key"];
  if (typeof header === "string" && header) return header;
  const fromBody = (body as { writeKey?: unknown } | null)?.writeKey;
  return typeof fromBody === "string" && fromBody ? fromBody : undefined;
}
