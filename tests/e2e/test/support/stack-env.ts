import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

export type StackEnv = Record<string, string> & { KAFKA_BROKERS: string; S3_ENDPOINT_URL: string; AWS_REGION: string };

/** stack.env's settings, overridden by the environment, with the derived addresses filled in. */
export function stackEnv(): StackEnv {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(repoRoot, "stack.env"), "utf8").split("\n")) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1]) env[match[1]] = match[2] ?? "";
  }
  Object.assign(env, process.env);
  env.KAFKA_BROKERS ||= `${env.KAFKA_HOST}:${env.KAFKA_PORT}`;
  env.S3_ENDPOINT_URL ||= `http://${env.S3_HOST}:${env.S3_PORT}`;
  env.AWS_REGION ||= env.S3_REGION ?? "us-east-1";
  return env as StackEnv;
}
