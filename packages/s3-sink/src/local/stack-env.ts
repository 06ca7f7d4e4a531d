import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

type Env = Record<string, string | undefined>;

/** The nearest stack.env at or above `startDir` (the repo root keeps the local stack's settings). */
export function findStackEnv(startDir: string): string | undefined {
  let dir = startDir;
  for (;;) {
    const candidate = join(dir, "stack.env");
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function parseStackEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) values[match[1] as string] = match[2] as string;
  }
  return values;
}

/**
 * The environment with the local stack's settings filled in where unset, and the same derived values
 * as scripts/lib.sh (KAFKA_BROKERS, S3_ENDPOINT_URL, AWS_REGION), plus SINK_BUCKET from S3_BUCKET.
 * The environment always wins, so the same code points at anything else by exporting variables.
 */
export function withStackDefaults(env: Env, stackEnvPath: string | undefined): Env {
  const file = stackEnvPath && existsSync(stackEnvPath) ? parseStackEnv(readFileSync(stackEnvPath, "utf8")) : {};
  const merged: Env = { ...file, ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) };
  const derive = (key: string, value: string | undefined) => {
    if (merged[key] === undefined && value !== undefined) merged[key] = value;
  };
  const hostPort = (host?: string, port?: string) => (host && port ? `${host}:${port}` : undefined);
  derive("KAFKA_BROKERS", hostPort(merged.KAFKA_HOST, merged.KAFKA_PORT));
  const s3 = hostPort(merged.S3_HOST, merged.S3_PORT);
  derive("S3_ENDPOINT_URL", s3 === undefined ? undefined : `http://${s3}`);
  derive("AWS_REGION", merged.S3_REGION);
  derive("AWS_DEFAULT_REGION", merged.S3_REGION);
  derive("SINK_BUCKET", merged.S3_BUCKET);
  return merged;
}

/**
 * A command's environment: the stack.env nearest the working directory (else the one above the
 * command's own module, `moduleUrl`) under the process environment.
 */
export function commandEnv(moduleUrl: string): Env {
  const stackEnv = findStackEnv(process.cwd()) ?? findStackEnv(dirname(fileURLToPath(moduleUrl)));
  return withStackDefaults(process.env, stackEnv);
}
