import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { S3ClientConfig } from "@aws-sdk/client-s3";
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
