import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LAMBDA_HANDLER, LAMBDA_RUNTIME, packageLambda, ZIP_BUDGET_BYTES } from "../../scripts/package-lambda.js";
import { decodeParquet } from "../../src/parquet/encode.js";
import { runToEnd } from "../support/child-process.js";
import { uniqueCollectedFixtures } from "../support/contract-fixtures.js";
import { collectedRecord, mskEvent } from "../support/msk.js";
import { bucket, env, getObject, listObjects, requireS3, s3Client, uniqueId } from "./stack.js";

/**
 * The deployment zip, as Lambda would run it: unzipped into an empty folder outside the repo (so no
 * node_modules can be found), loaded by a fresh Node process, invoked with an MSK-shaped event, and
 * writing to the real local S3 server.
 */
let s3: S3Client;
let work: string;
let functionDir: string;
let zipBytes: number;

beforeAll(async () => {
  s3 = s3Client();
  await requireS3(s3);
  work = mkdtempSync(join(tmpdir(), "s3-sink-lambda-"));
  const built = await packageLambda(join(work, "build"));
  zipBytes = built.zipBytes;
  functionDir = join(work, "function");
  for (const [name, bytes] of Object.entries(unzipSync(readFileSync(built.zipPath)))) {
    mkdirSync(dirname(join(functionDir, name)), { recursive: true });
    writeFileSync(join(functionDir, name), bytes);
  }
}, 120_000);

afterAll(() => {
  s3?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

const [moduleName, exportName] = LAMBDA_HANDLER.split(".") as [string, string];

/** Loads the bundle in a fresh process with only `functionEnv`, calls the handler once, returns what happened. */
function invoke(functionEnv: Record<string, string>, event: unknown) {
  writeFileSync(join(functionDir, "event.json"), JSON.stringify(event));
  const script = `
    const fn = require("./${moduleName}.js");
    const event = JSON.parse(require("fs").readFileSync("event.json", "utf8"));
    fn.${exportName}(event).then(
      (response) => process.stdout.write("RESPONSE " + JSON.stringify(response) + "\\n"),
      (error) => { process.stderr.write("FAILED " + error.message + "\\n"); process.exit(1); },
    );`;
  return runToEnd(process.execPath, ["-e", script], {
    cwd: functionDir,
    // Only what Lambda would set, plus the function's configuration: nothing from this repo.
    env: { PATH: process.env.PATH ?? "", AWS_REGION: "us-east-1", ...functionEnv },
  });
}

const s3Env = () => ({
  SINK_BUCKET: bucket,
  S3_ENDPOINT_URL: env.S3_ENDPOINT_URL ?? "",
  AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID ?? "",
  AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY ?? "",
});

describe("the Lambda zip", () => {
  it("is within its size budget and holds the bundle and the native ZSTD module, and no wasm", () => {
    expect(zipBytes).toBeLessThan(ZIP_BUDGET_BYTES);
    const names = Object.keys(unzipSync(readFileSync(join(work, "build", "lambda.zip"))));
    expect(names).toContain("index.js");
    expect(names).toContain("node_modules/zstd-napi/package.json");
    expect(names).toContain("node_modules/zstd-napi/build/Release/binding.node");
    // The handler writes Parquet with the sink's own writer: parquet-wasm and apache-arrow stay out.
    expect(names.filter((name) => name.endsWith(".wasm"))).toEqual([]);
    expect(names.every((name) => name === "index.js" || name.startsWith("node_modules/zstd-napi/"))).toBe(true);
  });

  it("is tested on the Node major of the Lambda runtime it is built for", () => {
    expect(`nodejs${process.versions.node.split(".")[0]}.x`).toBe(LAMBDA_RUNTIME);
  });

  it("runs in a fresh Node process with nothing but its own files, and writes the batch to S3", async () => {
    const prefix = uniqueId("sink-it/lambda");
    const events = uniqueCollectedFixtures(1, uniqueId("lz"));
    const event = mskEvent(events.map(({ collected }, i) => collectedRecord("events.raw", 0, 700 + i, collected)));

    const result = await invoke({ ...s3Env(), SINK_PREFIX: prefix }, event);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('RESPONSE {"batchItemFailures":[]}');

    const objects = (await listObjects(s3, prefix)).filter((o) => o.key.endsWith(".zstd.parquet"));
    expect(objects.length).toBeGreaterThan(0);
    const ids: string[] = [];
    for (const { key } of objects) {
      expect(key).toMatch(/\/events\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/events\.raw\+0\+0+700\+0+7\d\d\.zstd\.parquet$/);
      for (const id of decodeParquet((await getObject(s3, key)).bytes).getChild("event_id") ?? []) ids.push(String(id));
    }
    expect(ids.sort()).toEqual(events.map((e) => e.collected.event.messageId).sort());
  });

  it("checks its configuration at cold start and fails with a clear message", async () => {
    const missing = await invoke({ ...s3Env(), SINK_BUCKET: "" }, mskEvent([]));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("SINK_BUCKET is required");

    const badEndpoint = await invoke({ ...s3Env(), S3_ENDPOINT_URL: "not a url" }, mskEvent([]));
    expect(badEndpoint.code).not.toBe(0);
    expect(badEndpoint.stderr).toContain('S3_ENDPOINT_URL is not a URL: "not a url"');

    const badBound = await invoke({ ...s3Env(), LATE_EVENT_BOUND: "soon" }, mskEvent([]));
    expect(badBound.code).not.toBe(0);
    expect(badBound.stderr).toContain("LATE_EVENT_BOUND must be a duration");
  });
});
