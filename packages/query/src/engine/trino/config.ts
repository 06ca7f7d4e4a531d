import { ConfigError } from "../../errors.js";

/** Where and as whom the Trino engine connects, validated once. */
export interface TrinoConfig {
  /** `http://host:port` of the coordinator. */
  readonly url: string;
  readonly user: string;
  readonly catalog: string;
  /** The schema unqualified names resolve in (Athena's database). */
  readonly schema?: string;
  readonly timeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

const IDENT = /^[a-z_][a-z0-9_]*$/;

/**
 * Reads TRINO_URL (else http://TRINO_HOST:TRINO_PORT, as scripts/stack/trino.sh serves it), TRINO_USER
 * (default shop-query), TRINO_CATALOG (hive), TRINO_SCHEMA and TRINO_TIMEOUT_MS (300000). Reports every
 * problem at once.
 */
export function resolveTrinoConfig(env: Env, overrides: Partial<TrinoConfig> = {}): TrinoConfig {
  const problems: string[] = [];
  const host = env.TRINO_HOST;
  const port = env.TRINO_PORT;
  let url = overrides.url ?? env.TRINO_URL ?? (host && port ? `http://${host}:${port}` : undefined);
  if (url === undefined) problems.push("TRINO_URL (or TRINO_HOST and TRINO_PORT) is not set");
  else {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http(s)");
      if (parsed.pathname !== "/" || parsed.search !== "") throw new Error("has a path");
      url = parsed.origin;
    } catch {
      problems.push(`TRINO_URL ${JSON.stringify(url)} must be http(s)://host:port with no path`);
    }
  }
  const user = overrides.user ?? env.TRINO_USER ?? "shop-query";
  if (user.trim() === "" || /[\r\n]/.test(user)) problems.push(`TRINO_USER ${JSON.stringify(user)} is not a user name`);
  const catalog = overrides.catalog ?? env.TRINO_CATALOG ?? "hive";
  if (!IDENT.test(catalog)) problems.push(`TRINO_CATALOG ${JSON.stringify(catalog)} must be [a-z_][a-z0-9_]*`);
  const schema = overrides.schema ?? env.TRINO_SCHEMA;
  if (schema !== undefined && !IDENT.test(schema))
    problems.push(`TRINO_SCHEMA ${JSON.stringify(schema)} must be [a-z_][a-z0-9_]*`);
  const timeoutText = env.TRINO_TIMEOUT_MS;
  const timeoutMs = overrides.timeoutMs ?? (timeoutText === undefined ? 300_000 : Number(timeoutText));
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    problems.push(`TRINO_TIMEOUT_MS ${JSON.stringify(timeoutText)} must be a positive integer`);
  if (problems.length > 0) throw new ConfigError(problems);
  return { url: url as string, user, catalog, ...(schema === undefined ? {} : { schema }), timeoutMs };
}
