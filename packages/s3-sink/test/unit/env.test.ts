import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveS3ConnectionConfig } from "../../src/config.js";
import { findStackEnv, withStackDefaults } from "../../src/local/stack-env.js";

describe("withStackDefaults", () => {
  const dir = mkdtempSync(join(tmpdir(), "stack-env-"));
  const file = join(dir, "stack.env");
  writeFileSync(
    file,
    "# comment\nKAFKA_HOST=127.0.0.1\nKAFKA_PORT=19092\nS3_HOST=127.0.0.1\nS3_PORT=19000\nS3_BUCKET=b\nS3_REGION=us-east-1\n",
  );

  it("derives what scripts/lib.sh derives, and SINK_BUCKET from S3_BUCKET", () => {
    expect(withStackDefaults({}, file)).toMatchObject({
      KAFKA_BROKERS: "127.0.0.1:19092",
      S3_ENDPOINT_URL: "http://127.0.0.1:19000",
      AWS_REGION: "us-east-1",
      SINK_BUCKET: "b",
    });
  });

  it("lets the environment win, including over derived values", () => {
    const env = withStackDefaults({ KAFKA_PORT: "9092", S3_ENDPOINT_URL: "http://127.0.0.2:9000" }, file);
    expect(env.KAFKA_BROKERS).toBe("127.0.0.1:9092");
    expect(env.S3_ENDPOINT_URL).toBe("http://127.0.0.2:9000");
  });

  it("finds the nearest stack.env upwards", () => {
    expect(findStackEnv(dir)).toBe(file);
  });
});

describe("resolveS3ConnectionConfig", () => {
  it("uses path-style addressing and explicit keys for a local endpoint", () => {
    expect(
      resolveS3ConnectionConfig({
        S3_ENDPOINT_URL: "http://127.0.0.1:19000",
        AWS_ACCESS_KEY_ID: "k",
        AWS_SECRET_ACCESS_KEY: "s",
      }),
    ).toEqual({
      region: "us-east-1",
      endpointUrl: "http://127.0.0.1:19000",
      forcePathStyle: true,
      credentials: { accessKeyId: "k", secretAccessKey: "s" },
    });
  });

  it("leaves AWS's endpoint and the SDK's credential chain alone when nothing is set", () => {
    expect(resolveS3ConnectionConfig({ AWS_REGION: "eu-west-1" })).toEqual({
      region: "eu-west-1",
      forcePathStyle: false,
    });
    expect(() => resolveS3ConnectionConfig({ S3_ENDPOINT_URL: "not a url" })).toThrow(/S3_ENDPOINT_URL/);
  });
});
