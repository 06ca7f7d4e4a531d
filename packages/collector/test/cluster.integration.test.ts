import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validFixtures } from "./fixtures.js";
import { stackEnv } from "./stack-env.js";
import { type CollectorProcess, startCollectorProcess } from "./support/collector-process.js";
import { createTopics, deleteTopics, readTopic } from "./support/kafka.js";

/**
 * COLLECTOR_WORKERS=2, the built entry point: the primary forks two workers that share the port, the
 * metrics any worker serves are the sum over both, a worker that dies is replaced, and SIGTERM to the
 * primary shuts every worker down gracefully.
 */
const env = stackEnv();
const brokers = env.KAFKA_BROKERS.split(",");
const run = randomUUID().slice(0, 8);
const rawTopic = `test-cluster-${run}.raw`;
const invalidTopic = `test-cluster-${run}.invalid`;
const CONNECTIONS = 8;
const REQUESTS_PER_CONNECTION = 5;
const EVENTS_PER_REQUEST = 10;

let collector: CollectorProcess;

/** POSTs on `agent` (one keep-alive connection each), resolving with the status. */
const post = (agent: Agent, batch: unknown[]) =>
  new Promise<number>((resolve, reject) => {
    const req = request(
      `${collector.url}/v1/batch`,
      { method: "POST", agent, headers: { "content-type": "application/json", "x-write-key": "wk" } },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ batch }));
  });

const batchOf = (prefix: string) =>
  Array.from({ length: EVENTS_PER_REQUEST }, (_, n) => ({
    ...validFixtures[0]?.event,
    messageId: `${prefix}-${n}`,
    anonymousId: `a-${prefix}`,
  }));

const listening = (output: string) =>
  new Set(
    output
      .split("\n")
      .filter((l) => l.includes('"worker":') && l.includes("Server listening"))
      .map((l) => (JSON.parse(l) as { pid: number }).pid),
  ).size;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const sample = (text: string, line: string) =>
  Number(new RegExp(`^${line} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);

const workerPids = (output: string) =>
  new Set(
    output
      .split("\n")
      .filter((l) => l.includes('"worker":'))
      .map((l) => (JSON.parse(l) as { pid: number }).pid),
  );

beforeAll(async () => {
  await createTopics(brokers, [
    { topic: rawTopic, partitions: 3 },
    { topic: invalidTopic, partitions: 1 },
  ]);
  collector = await startCollectorProcess({
    KAFKA_BROKERS: env.KAFKA_BROKERS,
    KAFKA_TOPIC_RAW: rawTopic,
    KAFKA_TOPIC_INVALID: invalidTopic,
    COLLECTOR_WRITE_KEYS: "wk=web",
    COLLECTOR_CORS_ORIGINS: "https://shop.example",
    COLLECTOR_WORKERS: "2",
    COLLECTOR_LOG_REQUESTS: "true",
  });
  // /ready answers from the first worker that listens; each binds its own socket, so wait for both.
  const deadline = Date.now() + 30_000;
  while (listening(collector.output()) < 2) {
    if (Date.now() > deadline) throw new Error(`the workers did not both listen:\n${collector.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}, 60_000);

afterAll(async () => {
  await collector?.stop();
  await deleteTopics(brokers, [rawTopic, invalidTopic]);
});

describe("one process per core (COLLECTOR_WORKERS)", () => {
  it("serves on both workers, and /metrics from any of them counts the whole collector", async () => {
    const agents = Array.from({ length: CONNECTIONS }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    try {
      const statuses = await Promise.all(
        agents.map(async (agent, connection) => {
          const answers: number[] = [];
          for (let r = 0; r < REQUESTS_PER_CONNECTION; r++)
            answers.push(await post(agent, batchOf(`${run}-${connection}-${r}`)));
          return answers;
        }),
      );
      expect(statuses.flat()).toEqual(Array(CONNECTIONS * REQUESTS_PER_CONNECTION).fill(200));
    } finally {
      for (const agent of agents) agent.destroy();
    }
    const total = CONNECTIONS * REQUESTS_PER_CONNECTION * EVENTS_PER_REQUEST;
    // Request log lines name the worker that served them: both did.
    const served = new Set(
      collector
        .output()
        .split("\n")
        .filter((l) => l.includes('"msg":"request completed"'))
        .map((l) => (JSON.parse(l) as { worker: number }).worker),
    );
    expect(served).toEqual(new Set([0, 1]));
    for (let scrape = 0; scrape < 4; scrape++) {
      const text = await (await fetch(`${collector.url}/metrics`)).text();
      expect(sample(text, 'collector_events_accepted_total\\{source_id="web"\\}')).toBe(total);
      expect(sample(text, "collector_request_events_count")).toBe(CONNECTIONS * REQUESTS_PER_CONNECTION);
    }
    const stored = await readTopic(brokers, rawTopic);
    expect(new Set(stored.map((r) => JSON.parse(r.value).event.messageId)).size).toBe(total);
  });

  it("replaces a worker that dies, and keeps serving meanwhile", async () => {
    const before = workerPids(collector.output());
    expect(before.size).toBe(2);
    const [victim] = before;
    process.kill(victim as number, "SIGKILL");
    // Requests racing the kill: each is answered or fails at once (a reset), none is left waiting.
    const racing = await Promise.all(
      Array.from({ length: 20 }, () =>
        Promise.race([
          post(new Agent(), batchOf(`${run}-racing`)).then(String, (error: Error) => error.message),
          new Promise<string>((resolve) => setTimeout(resolve, 5_000, "no answer in 5 s")),
        ]),
      ),
    );
    expect(
      racing.filter((outcome) => outcome !== "200" && !/ECONNRESET|ECONNREFUSED|socket hang up/.test(outcome)),
    ).toEqual([]);
    // Each worker has its own socket on the port (SO_REUSEPORT), which closes when the worker is gone: a
    // connection racing the kill may be reset (the SDK retries a send that got no answer), none can hang
    // in a hand-over to a dead worker. Once it is gone, every request must be served while it is replaced.
    while (isAlive(victim as number)) await new Promise((resolve) => setTimeout(resolve, 10));
    const deadline = Date.now() + 20_000;
    while (workerPids(collector.output()).size < 3) {
      expect((await post(new Agent(), batchOf(`${run}-during`))) === 200).toBe(true);
      if (Date.now() > deadline) throw new Error(`no new worker:\n${collector.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(collector.output()).toContain("worker exited; starting another");
  });

  it("stops every worker gracefully on SIGTERM to the primary, and exits 0", async () => {
    const pids = workerPids(collector.output());
    collector.child.kill("SIGTERM");
    expect(await collector.exited).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
