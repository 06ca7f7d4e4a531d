import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { AthenaClientConfig } from "@aws-sdk/client-athena";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
import { type AthenaPricing, defaultAthenaPricing } from "./engine/athena/cost.js";
import { ConfigError } from "./errors.js";
import type { DateRange } from "./sync/plan.js";

/** Everything the local engine and the CLI need, validated once. */
export interface QueryConfig {
  readonly s3: {
    /** Unset: AWS itself. Set: an S3-compatible server, addressed path-style. */
    readonly endpoint?: string;
    readonly region: string;
    readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  readonly bucket: string;
  /** `""` or a key prefix ending in `/`, under which `events/` and `sessions/` live. */
  readonly prefix: string;
  readonly cacheDir: string;
  readonly dates: DateRange;
}

export interface ConfigOverrides {
  readonly bucket?: string;
  readonly prefix?: string;
  readonly cacheDir?: string;
  readonly from?: string;
  readonly to?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A bucket name S3 accepts; also keeps the name usable as a cache directory. */
export function bucketProblem(bucket: string): string | undefined {
  return BUCKET.test(bucket) ? undefined : `bucket ${JSON.stringify(bucket)} is not a valid S3 bucket name`;
}

/**
 * `a/b` → `a/b/`. Segments must be plain names: `..` would escape the cache, a leading `_`/`.` would
 * make Spark and Athena treat the data as hidden, and `=` would add a Hive partition column.
 */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, "").replace(/\/+$/, "");
  if (trimmed === "") return "";
  for (const segment of trimmed.split("/")) {
    if (!/^[A-Za-z0-9][A-Za-z0-9!\-_.*()+]*$/.test(segment) || segment === "..") {
      throw new ConfigError([
        `prefix ${JSON.stringify(prefix)}: segment ${JSON.stringify(segment)} must start with a letter or digit and use only letters, digits and !-_.*()+`,
      ]);
    }
  }
  return `${trimmed}/`;
}

/**
 * Reads S3_ENDPOINT_URL (else http://S3_HOST:S3_PORT, as scripts/lib.sh derives it), S3_BUCKET,
 * AWS_REGION / AWS_DEFAULT_REGION / S3_REGION, AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY,
 * SHOP_QUERY_PREFIX and SHOP_QUERY_CACHE_DIR; explicit overrides win. Reports every problem at once.
 */
export function resolveQueryConfig(env: Env, overrides: ConfigOverrides = {}): QueryConfig {
  const problems: string[] = [];
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v === "" ? undefined : v;
  };

  let endpoint = value("S3_ENDPOINT_URL");
  if (!endpoint && value("S3_HOST") && value("S3_PORT")) endpoint = `http://${value("S3_HOST")}:${value("S3_PORT")}`;
  if (endpoint && !/^https?:\/\/[^\s/]+\/?$/.test(endpoint)) {
    problems.push(`S3_ENDPOINT_URL ${JSON.stringify(endpoint)} must be http(s)://host[:port]`);
  }

  const region = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") ?? value("S3_REGION");
  if (!region) problems.push("set AWS_REGION (or S3_REGION)");

  const accessKeyId = value("AWS_ACCESS_KEY_ID");
  const secretAccessKey = value("AWS_SECRET_ACCESS_KEY");
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    problems.push("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither");
  } else if (endpoint && !accessKeyId) {
    // Without keys the SDK's default chain would go on to ask the instance metadata service.
    problems.push(`S3_ENDPOINT_URL points at ${endpoint}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for it`);
  }

  const bucket = overrides.bucket ?? value("S3_BUCKET");
  if (!bucket) problems.push("set S3_BUCKET (or pass --bucket)");
  else {
    const problem = bucketProblem(bucket);
    if (problem) problems.push(problem);
  }

  let prefix = "";
  try {
    prefix = normalizePrefix(overrides.prefix ?? value("SHOP_QUERY_PREFIX") ?? "");
  } catch (error) {
    problems.push(...(error instanceof ConfigError ? error.problems : [String(error)]));
  }

  const from = overrides.from;
  const to = overrides.to;
  for (const [name, day] of [
    ["from", from],
    ["to", to],
  ] as const) {
    if (day !== undefined && !DAY.test(day)) problems.push(`--${name} ${JSON.stringify(day)} must be YYYY-MM-DD`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    s3: {
      ...(endpoint ? { endpoint: endpoint.replace(/\/$/, "") } : {}),
      region: region as string,
      ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
    },
    bucket: bucket as string,
    prefix,
    cacheDir: resolve(overrides.cacheDir ?? value("SHOP_QUERY_CACHE_DIR") ?? join(tmpdir(), "shop-query-cache")),
    dates: { ...(from ? { from } : {}), ...(to ? { to } : {}) },
  };
}

/** S3 client settings for a resolved config: path-style for S3-compatible servers, short connect timeout. */
export function s3ClientConfig(config: QueryConfig["s3"]): S3ClientConfig {
  return {
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // A dead endpoint should fail in seconds, not after the OS's connect timeout.
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 120_000 },
    maxAttempts: 3,
  };
}

/** What the Athena engine needs, validated once. Credentials come from the SDK's default chain. */
export interface AthenaConfig {
  readonly region: string;
  readonly workGroup: string;
  readonly database: string;
  /** Unset: the work group's own result location (Athena fails the query if it has none). */
  readonly outputLocation?: string;
  readonly pricing: AthenaPricing;
  /** Unset: no deadline. */
  readonly timeoutMs?: number;
}

/** Which engine answers queries; `local` unless SHOP_QUERY_ENGINE says `athena`. */
export type EngineConfig =
  | { readonly kind: "local"; readonly local: QueryConfig }
  | { readonly kind: "athena"; readonly athena: AthenaConfig };

const WORKGROUP = /^[A-Za-z0-9._-]{1,128}$/;
const ATHENA_DATABASE = /^[a-z0-9_]{1,255}$/;
const OUTPUT_LOCATION = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:\/\S*)?$/;

/**
 * Reads ATHENA_WORKGROUP (default `primary`), ATHENA_DATABASE, ATHENA_OUTPUT_LOCATION, AWS_REGION (or
 * AWS_DEFAULT_REGION), ATHENA_PRICE_PER_TB_USD (default 5), ATHENA_MIN_BILLED_MB (default 10) and
 * ATHENA_QUERY_TIMEOUT_SECONDS. Reports every problem at once.
 */
export function resolveAthenaConfig(env: Env): AthenaConfig {
  const problems: string[] = [];
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v === "" ? undefined : v;
  };
  const positive = (name: string, fallback?: number): number | undefined => {
    const text = value(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) {
      problems.push(`${name} ${JSON.stringify(text)} must be a positive number`);
      return fallback;
    }
    return n;
  };

  const region = value("AWS_REGION") ?? value("AWS_DEFAULT_REGION");
  if (!region) problems.push("set AWS_REGION for Athena");
  const workGroup = value("ATHENA_WORKGROUP") ?? "primary";
  if (!WORKGROUP.test(workGroup)) {
    problems.push(`ATHENA_WORKGROUP ${JSON.stringify(workGroup)} must be 1-128 letters, digits, . _ or -`);
  }
  const database = value("ATHENA_DATABASE");
  if (!database) problems.push("set ATHENA_DATABASE (the Glue database of the lake's tables)");
  else if (!ATHENA_DATABASE.test(database)) {
    problems.push(`ATHENA_DATABASE ${JSON.stringify(database)} must be lower-case letters, digits and _`);
  }
  const outputLocation = value("ATHENA_OUTPUT_LOCATION");
  if (outputLocation && !OUTPUT_LOCATION.test(outputLocation)) {
    problems.push(`ATHENA_OUTPUT_LOCATION ${JSON.stringify(outputLocation)} must look like s3://bucket/path/`);
  }
  const usdPerTb = positive("ATHENA_PRICE_PER_TB_USD", defaultAthenaPricing.usdPerTb) as number;
  const minimumMb = positive("ATHENA_MIN_BILLED_MB", defaultAthenaPricing.minimumMb) as number;
  const timeoutSeconds = positive("ATHENA_QUERY_TIMEOUT_SECONDS");

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    region: region as string,
    workGroup,
    database: database as string,
    ...(outputLocation ? { outputLocation } : {}),
    pricing: { usdPerTb, minimumMb },
    ...(timeoutSeconds === undefined ? {} : { timeoutMs: Math.round(timeoutSeconds * 1000) }),
  };
}

/**
 * SHOP_QUERY_ENGINE=local (the default) or athena. Explicit on purpose: Athena bills every query, so having
 * ATHENA_* in the environment (e.g. for `ddl`) never switches the analyst's queries over by itself.
 */
export function resolveEngineConfig(env: Env, overrides: ConfigOverrides = {}): EngineConfig {
  const kind = env.SHOP_QUERY_ENGINE?.trim() || "local";
  if (kind === "athena") return { kind, athena: resolveAthenaConfig(env) };
  if (kind === "local") return { kind, local: resolveQueryConfig(env, overrides) };
  throw new ConfigError([`SHOP_QUERY_ENGINE ${JSON.stringify(kind)} must be local or athena`]);
}

/** Athena client settings: a short connect timeout, as for S3; the default credential chain. */
export function athenaClientConfig(config: AthenaConfig): AthenaClientConfig {
  return {
    region: config.region,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 30_000 },
    maxAttempts: 3,
  };
}
