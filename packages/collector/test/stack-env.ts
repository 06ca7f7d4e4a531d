import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The local stack's settings: the environment first, then the repo's stack.env defaults. */
export function stackEnv(): Record<string, string> & { KAFKA_BROKERS: string } {
  const file = fileURLToPath(new URL("../../../stack.env", import.meta.url));
  const defaults: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1]) defaults[match[1]] = match[2] ?? "";
  }
  const env = { ...defaults, ...(process.env as Record<string, string>) };
  env.KAFKA_BROKERS ||= `${env.KAFKA_HOST}:${env.KAFKA_PORT}`;
  return env as Record<string, string> & { KAFKA_BROKERS: string };
}
