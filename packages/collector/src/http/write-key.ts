import { createHash, timingSafeEqual } from "node:crypto";
import { CollectorError } from "./errors.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/**
 * Resolves a write key to its source id. Keys are kept only as hashes and compared in constant time,
 * so neither a memory dump nor response timing reveals them.
 */
export function createWriteKeyResolver(
  writeKeys: Map<string, string>,
): (key: string | undefined) => string | undefined {
  const entries = [...writeKeys].map(([key, source]) => ({ hash: sha256(key), source }));
  if (entries.length === 0) return () => undefined; // local development: authentication off
  return (key) => {
    if (!key) throw new CollectorError("missing_write_key");
    const candidate = sha256(key);
    let found: string | undefined;
    for (const entry of entries) if (timingSafeEqual(entry.hash, candidate)) found = entry.source;
    if (found === undefined) throw new CollectorError("invalid_write_key");
    return found;
  };
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
