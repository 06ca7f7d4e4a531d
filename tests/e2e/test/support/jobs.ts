import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { S3Client } from "@aws-sdk/client-s3";
import { repoRoot, type StackEnv } from "./stack-env.js";

const run = promisify(execFile);

/** An S3 client on the stack's S3-compatible server. */
export function stackS3(env: StackEnv): S3Client {
  return new S3Client({
    endpoint: env.S3_ENDPOINT_URL,
    region: env.AWS_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "" },
  });
}

/** The sink's local runner (the Lambda handler) drains a topic into Parquet under a lake prefix, then stops. */
export async function drainToLake(env: StackEnv, topic: string, group: string, prefix: string): Promise<void> {
  // This test's own Node (the repo's pinned one), whatever `node` PATH finds first.
  await run(
    process.execPath,
    [join(repoRoot, "packages/s3-sink/dist/local/cli.js"), "--topic", topic, "--group", group, "--once"],
    {
      env: { ...process.env, ...env, SINK_PREFIX: prefix },
      timeout: 120_000,
    },
  );
}

/** A processing-jobs module run as its README runs it; returns its JSON summary (the last line of stdout). */
export async function sparkJob(env: StackEnv, module: string, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(
    join(repoRoot, ".tools/uv/bin/uv"),
    [
      "run",
      "--project",
      join(repoRoot, "packages/processing-jobs"),
      "--locked",
      "--quiet",
      "python",
      "-m",
      module,
      ...args,
    ],
    {
      env: { ...process.env, ...env, UV_PYTHON_DOWNLOADS: "never" },
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
}
