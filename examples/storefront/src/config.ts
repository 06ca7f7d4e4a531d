/**
 * The storefront's settings, read from the environment at request time (not inlined at build time as
 * NEXT_PUBLIC_ variables are), so one build runs against any collector. Every problem is reported at once.
 */
export interface StorefrontConfig {
  /** The collector the browser sends to. */
  readonly collectorUrl: string;
  /** The collector the backend sends to (the same one, by another address inside a network). */
  readonly serverCollectorUrl: string;
  /** The web source's write key (public: it is in every page). */
  readonly writeKey: string;
  /** The backend's write key: a source listed in the collector's COLLECTOR_SERVER_SOURCES. */
  readonly serverWriteKey: string;
  /** Proxies in front of the shop whose X-Forwarded-For entries are believed. */
  readonly trustedProxyHops: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`storefront configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(env: Record<string, string | undefined>): StorefrontConfig {
  const problems: string[] = [];
  const url = (name: string, fallback?: string): string => {
    const value = env[name] || fallback;
    if (!value) {
      problems.push(`${name} is required`);
      return "";
    }
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      problems.push(`${name} must be an http(s) URL, got ${JSON.stringify(value)}`);
    }
    return value.replace(/\/+$/, "");
  };
  const required = (name: string): string => {
    const value = env[name];
    if (!value) problems.push(`${name} is required`);
    return value ?? "";
  };
  const collectorUrl = url("STOREFRONT_COLLECTOR_URL");
  const serverCollectorUrl = url("STOREFRONT_SERVER_COLLECTOR_URL", env.STOREFRONT_COLLECTOR_URL);
  const writeKey = required("STOREFRONT_WRITE_KEY");
  const serverWriteKey = required("STOREFRONT_SERVER_WRITE_KEY");
  const hops = env.STOREFRONT_TRUSTED_PROXY_HOPS ?? "0";
  const trustedProxyHops = Number(hops);
  if (!/^\d+$/.test(hops))
    problems.push(`STOREFRONT_TRUSTED_PROXY_HOPS must be a whole number, got ${JSON.stringify(hops)}`);
  if (problems.length > 0) throw new ConfigError(problems);
  return { collectorUrl, serverCollectorUrl, writeKey, serverWriteKey, trustedProxyHops };
}

let cached: StorefrontConfig | undefined;
/** The process's configuration, validated on first use. */
export function config(): StorefrontConfig {
  cached ??= loadConfig(process.env);
  return cached;
}
