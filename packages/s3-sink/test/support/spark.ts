import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/**
 * Runs a Python script of test/support in packages/processing-jobs' environment (its pyspark, its
 * shop_jobs helpers, read only) and returns the JSON its last stdout line holds.
 */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../../..");
const uv = join(repoRoot, ".tools/uv/bin/uv");

export const repoPath = (...parts: string[]) => join(repoRoot, ...parts);

export async function runSparkScript<T>(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<T> {
  if (!existsSync(uv)) throw new Error(`${uv} is missing; run \`make install\` to set up the Python tools`);
  const { stdout } = await promisify(execFile)(
    uv,
    [
      "run",
      "--project",
      repoPath("packages/processing-jobs"),
      "--locked",
      "--quiet",
      "python",
      join(repoRoot, "packages/s3-sink/test/support", script),
      ...args,
    ],
    { env: { ...process.env, ...env, UV_PYTHON_DOWNLOADS: "never" }, timeout: 240_000, maxBuffer: 16 << 20 },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "null") as T;
}
