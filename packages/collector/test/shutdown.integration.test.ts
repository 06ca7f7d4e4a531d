import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackEnv } from "./stack-env.js";
import { freePort } from "./support/free-port.js";
import { createTopics, deleteTopics, readTopic } from "./support/kafka.js";

/**
 * The real entry point (src/server.ts) in its own process, stopped with SIGTERM while requests wait
 * for Kafka: it must stop taking connections, answer every request it had with a 200 only once Kafka
 * has its events, flush the producer and exit 0.
 */
const env = stackEnv();
const brokers = env.KAFKA_BROKERS.split(",");
const run = randomUUID().slice(0, 8);
const rawTopic = `test-shutdown-${run}.raw`;
const invalidTopic = `test-shutdown-${run}.invalid`;
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const entryPoint = fileURLToPath(new URL("../dist/server.js", import.meta.url));
const REQUESTS = 5;
const EVENTS_PER_REQUEST = 20;

let server: ChildProcess | undefined;
let baseUrl: string;

const event = (request: number, n: number) => ({
  type: "track",
  event: "Shutdown Test",
  messageId: `${run}-${request}-${n}`,
  anonymousId: `a-${request}`,
  timestamp: new Date().toISOString(),
  properties: { n },
});

const post = (request: number) =>
  fetch(`${baseUrl}/v1/batch`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ batch: Array.from({ length: EVENTS_PER_REQUEST }, (_, n) => event(request, n)) }),
  });

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Records the collector has handed to Kafka and still waits for (its Prometheus gauge). */
const inFlightRecords = async () => {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^collector_publish_in_flight_records (\S+)$/m.exec(text)?.[1] ?? 0);
};

beforeAll(async () => {
  await createTopics(brokers, [
    { topic: rawTopic, partitions: 3 },
    { topic: invalidTopic, partitions: 1 },
  ]);
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  // The built entry point, as production runs it (`make test` builds before testing).
  if (!existsSync(entryPoint)) throw new Error(`${entryPoint} is missing: build the package first`);
  server = spawn(process.execPath, [entryPoint], {
    cwd: packageDir,
    stdio: "ignore",
    env: {
      ...process.env,
      KAFKA_BROKERS: env.KAFKA_BROKERS,
      KAFKA_TOPIC_RAW: rawTopic,
      KAFKA_TOPIC_INVALID: invalidTopic,
      COLLECTOR_HOST: "127.0.0.1",
      COLLECTOR_PORT: String(port),
      COLLECTOR_WRITE_KEYS: "",
      COLLECTOR_ALLOW_NO_WRITE_KEYS: "true",
      COLLECTOR_LOG_LEVEL: "warn",
      // A long linger keeps the requests waiting for Kafka long enough to stop the process under them.
      COLLECTOR_KAFKA_LINGER_MS: "1000",
    },
  });
  await until(async () => (await fetch(`${baseUrl}/ready`)).ok, "the collector to be ready");
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) server.kill("SIGKILL");
  await deleteTopics(brokers, [rawTopic, invalidTopic]);
});

describe("graceful shutdown (SIGTERM)", () => {
  it("answers the requests in flight with 200 once Kafka has them, refuses new ones, and exits 0", async () => {
    const child = server as ChildProcess;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const answers = Array.from({ length: REQUESTS }, (_, request) =>
      post(request).then(
        async (response) => ({ status: response.status, body: await response.json() }),
        (error: unknown) => ({ status: 0, body: String(error) }),
      ),
    );
    // Every request is in and waiting for Kafka (the linger holds them) before the signal.
    await until(
      async () => (await inFlightRecords()) >= REQUESTS * EVENTS_PER_REQUEST,
      "all requests waiting for Kafka",
      10_000,
    );
    child.kill("SIGTERM");

    const settled = await Promise.all(answers);
    expect(settled.map((answer) => answer.status)).toEqual(Array(REQUESTS).fill(200));
    expect(await exited).toBe(0);
    // Nothing listens any more.
    await expect(fetch(`${baseUrl}/health`)).rejects.toThrow();

    const ids = (await readTopic(brokers, rawTopic)).map(
      (record) => (JSON.parse(record.value) as { event: { messageId: string } }).event.messageId,
    );
    expect(new Set(ids).size).toBe(REQUESTS * EVENTS_PER_REQUEST);
  }, 60_000);
});
