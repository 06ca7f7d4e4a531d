import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalEngine } from "../src/engine/local/local-engine.js";
import { ConfigError, StoreUnreachableError } from "../src/errors.js";
import { closedLoopbackPort } from "./support/ports.js";

const dir = mkdtempSync(join(tmpdir(), "shop-query-local-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const client = (port: number) =>
  new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "localsecret" },
    maxAttempts: 1,
  });

describe("createLocalEngine without a store", () => {
  it("fails with StoreUnreachableError naming the cause", async () => {
    const port = await closedLoopbackPort();
    const s3 = client(port);
    try {
      const error = await createLocalEngine({ s3, bucket: "shop-analytics-local", cacheDir: join(dir, "c1") }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreUnreachableError);
      expect((error as Error).message).toBe(
        `cannot reach the S3 endpoint for bucket shop-analytics-local (connect ECONNREFUSED 127.0.0.1:${port})`,
      );
    } finally {
      s3.destroy();
    }
  });

  it("rejects a bad bucket or prefix before touching the network or the disk", async () => {
    const s3 = client(await closedLoopbackPort());
    try {
      await expect(createLocalEngine({ s3, bucket: "Bad_Bucket", cacheDir: join(dir, "c2") })).rejects.toThrow(
        ConfigError,
      );
      await expect(
        createLocalEngine({ s3, bucket: "shop-analytics-local", prefix: "../x", cacheDir: join(dir, "c3") }),
      ).rejects.toThrow(ConfigError);
      expect(existsSync(join(dir, "c2"))).toBe(false);
      expect(existsSync(join(dir, "c3"))).toBe(false);
    } finally {
      s3.destroy();
    }
  });
});
