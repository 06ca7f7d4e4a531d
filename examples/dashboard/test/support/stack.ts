import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { type Admin, Kafka, logLevel } from "kafkajs";

/** The local stack's settings: the environment first, then the repo's stack.env defaults. */
function stackEnv(): Record<string, string | undefined> {
  const defaults: Record<string, string> = {};
  const file = fileURLToPath(new URL("../../../../stack.env", import.meta.url));
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1]) defaults[match[1]] = match[2] ?? "";
  }
  const env: Record<string, string | undefined> = { ...defaults, ...process.env };
  env.KAFKA_BROKERS ||= `${env.KAFKA_HOST}:${env.KAFKA_PORT}`;
  return env;
}

export const env = stackEnv();
export const brokers = (env.KAFKA_BROKERS ?? "").split(",").filter(Boolean);

export const uniqueId = (label: string) => `${label}-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;

const tcpReachable = (hostPort: string, timeoutMs = 2_000) =>
  new Promise<boolean>((resolve) => {
    const at = hostPort.lastIndexOf(":");
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.connect(Number(hostPort.slice(at + 1)), hostPort.slice(0, at), () => done(true));
  });

/** Fails with what to do when Kafka is down, instead of timing out somewhere inside a test. */
export async function requireKafka(): Promise<void> {
  const hint = "start the local stack with `bash scripts/stack/up.sh` (or `make up`)";
  if (brokers.length === 0) throw new Error(`KAFKA_BROKERS is not set; ${hint}`);
  for (const broker of brokers) {
    if (!(await tcpReachable(broker))) throw new Error(`Kafka is not reachable at ${broker}; ${hint}`);
  }
}

export const testKafka = (clientId: string) => new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });

/** Per partition, the group's committed offset (-1 when none). */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
}

/** Polls until `check` is true; fails with `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
