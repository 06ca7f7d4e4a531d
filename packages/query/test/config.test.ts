import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  normalizePrefix,
  resolveAthenaConfig,
  resolveEngineConfig,
  resolveQueryConfig,
  s3ClientConfig,
} from "../src/config.js";
import { ConfigError } from "../src/errors.js";

const stack = {
  S3_HOST: "127.0.0.1",
  S3_PORT: "19000",
  S3_BUCKET: "shop-analytics-local",
  S3_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "local",
  AWS_SECRET_ACCESS_KEY: "localsecret",
};

const problems = (env: Record<string, string>, overrides = {}) => {
  try {
    resolveQueryConfig(env, overrides);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
};

describe("resolveQueryConfig", () => {
  it("derives the endpoint from S3_HOST/S3_PORT like scripts/lib.sh, and S3_ENDPOINT_URL wins", () => {
    const config = resolveQueryConfig({ ...stack, SHOP_QUERY_CACHE_DIR: "/var/cache/q" });
    expect(config).toEqual({
      s3: {
        endpoint: "http://127.0.0.1:19000",
        region: "us-east-1",
        credentials: { accessKeyId: "local", secretAccessKey: "localsecret" },
      },
      bucket: "shop-analytics-local",
      prefix: "",
      cacheDir: "/var/cache/q",
      dates: {},
    });
    expect(resolveQueryConfig({ ...stack, S3_ENDPOINT_URL: "http://localhost:9000/" }).s3.endpoint).toBe(
      "http://localhost:9000",
    );
  });

  it("lets options override the environment", () => {
    const config = resolveQueryConfig(
      { ...stack, SHOP_QUERY_PREFIX: "env-prefix" },
      { bucket: "other-bucket", prefix: "/a/b/", cacheDir: "rel", from: "2026-11-01", to: "2026-11-30" },
    );
    expect(config).toMatchObject({
      bucket: "other-bucket",
      prefix: "a/b/",
      cacheDir: join(process.cwd(), "rel"),
      dates: { from: "2026-11-01", to: "2026-11-30" },
    });
  });

  it("uses AWS's default credential chain only when no endpoint is set", () => {
    const aws = resolveQueryConfig({ S3_BUCKET: "shop-lake", AWS_REGION: "eu-west-1" });
    expect(aws.s3).toEqual({ region: "eu-west-1" });
    expect(s3ClientConfig(aws.s3)).not.toHaveProperty("endpoint");
    expect(s3ClientConfig(resolveQueryConfig(stack).s3)).toMatchObject({ forcePathStyle: true });
  });

  it("reports every problem at once", () => {
    expect(
      problems({ S3_ENDPOINT_URL: "ftp://x", AWS_ACCESS_KEY_ID: "k" }, { prefix: "../up", from: "yesterday" }),
    ).toEqual([
      'S3_ENDPOINT_URL "ftp://x" must be http(s)://host[:port]',
      "set AWS_REGION (or S3_REGION)",
      "set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither",
      "set S3_BUCKET (or pass --bucket)",
      'prefix "../up": segment ".." must start with a letter or digit and use only letters, digits and !-_.*()+',
      '--from "yesterday" must be YYYY-MM-DD',
    ]);
  });

  it("refuses a custom endpoint without keys (the default chain would ask instance metadata)", () => {
    const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, ...noKeys } = stack;
    expect(problems(noKeys)).toEqual([
      "S3_ENDPOINT_URL points at http://127.0.0.1:19000: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for it",
    ]);
  });

  it("rejects bucket names S3 would reject", () => {
    expect(problems({ ...stack, S3_BUCKET: "Shop_Bucket" })).toEqual([
      'bucket "Shop_Bucket" is not a valid S3 bucket name',
    ]);
  });
});

describe("normalizePrefix", () => {
  it.each([
    ["", ""],
    ["/", ""],
    ["lake", "lake/"],
    ["test-1234/", "test-1234/"],
    ["a/b", "a/b/"],
  ])("%j → %j", (input, expected) => {
    expect(normalizePrefix(input)).toBe(expected);
  });

  it.each(["a/../b", "_hidden", "a/.dot", "dt=2026-11-28", "a b", "a//b"])("rejects %j", (input) => {
    expect(() => normalizePrefix(input)).toThrow(ConfigError);
  });
});

describe("resolveEngineConfig / resolveAthenaConfig", () => {
  const athenaEnv = { SHOP_QUERY_ENGINE: "athena", AWS_REGION: "eu-west-1", ATHENA_DATABASE: "shop_analytics" };

  it("stays local without SHOP_QUERY_ENGINE, even with Athena settings present", () => {
    const config = resolveEngineConfig({ ...stack, ATHENA_DATABASE: "shop_analytics" });
    expect(config.kind).toBe("local");
  });

  it("reads the Athena settings with their defaults", () => {
    expect(resolveEngineConfig(athenaEnv)).toEqual({
      kind: "athena",
      athena: {
        region: "eu-west-1",
        workGroup: "primary",
        database: "shop_analytics",
        pricing: { usdPerTb: 5, minimumMb: 10 },
      },
    });
    expect(
      resolveAthenaConfig({
        ...athenaEnv,
        ATHENA_WORKGROUP: "analysts",
        ATHENA_OUTPUT_LOCATION: "s3://query-results/shop/",
        ATHENA_PRICE_PER_TB_USD: "6.75",
        ATHENA_MIN_BILLED_MB: "10",
        ATHENA_QUERY_TIMEOUT_SECONDS: "90",
      }),
    ).toEqual({
      region: "eu-west-1",
      workGroup: "analysts",
      database: "shop_analytics",
      outputLocation: "s3://query-results/shop/",
      pricing: { usdPerTb: 6.75, minimumMb: 10 },
      timeoutMs: 90_000,
    });
  });

  it("reports every Athena problem at once", () => {
    let caught: unknown;
    try {
      resolveAthenaConfig({
        ATHENA_WORKGROUP: "bad group",
        ATHENA_DATABASE: "Shop-Analytics",
        ATHENA_OUTPUT_LOCATION: "/tmp/results",
        ATHENA_PRICE_PER_TB_USD: "free",
        ATHENA_QUERY_TIMEOUT_SECONDS: "-1",
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      "set AWS_REGION for Athena",
      'ATHENA_WORKGROUP "bad group" must be 1-128 letters, digits, . _ or -',
      'ATHENA_DATABASE "Shop-Analytics" must be lower-case letters, digits and _',
      'ATHENA_OUTPUT_LOCATION "/tmp/results" must look like s3://bucket/path/',
      'ATHENA_PRICE_PER_TB_USD "free" must be a positive number',
      'ATHENA_QUERY_TIMEOUT_SECONDS "-1" must be a positive number',
    ]);
  });

  it("refuses an unknown engine", () => {
    expect(() => resolveEngineConfig({ SHOP_QUERY_ENGINE: "bigquery" })).toThrow(/must be local or athena/);
  });
});
