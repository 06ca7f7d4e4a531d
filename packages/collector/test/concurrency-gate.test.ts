import { describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { createConcurrencyGate } from "../src/http/concurrency-gate.js";
import { CollectorError } from "../src/http/errors.js";
import type { EventPublisher, PublishRecord } from "../src/publish/publisher.js";
import { validFixtures } from "./fixtures.js";
import { devConfig } from "./setup-app.js";

describe("the concurrency gate", () => {
  it("lets maxInProgress in, queues the rest first come first served, and passes each freed slot on", async () => {
    const gate = createConcurrencyGate({ maxInProgress: 2, maxWaitMs: 10_000 });
    const order: string[] = [];
    const first = await gate.enter();
    const second = await gate.enter();
    const admitted = (name: string) => (free: () => void) => {
      order.push(name);
      return free;
    };
    const third = gate.enter().then(admitted("third"));
    const fourth = gate.enter().then(admitted("fourth"));
    expect(gate.stats()).toEqual({ inProgress: 2, waiting: 2 });
    first();
    first(); // freeing twice frees once
    const freeThird = await third;
    expect(order).toEqual(["third"]);
    expect(gate.stats()).toEqual({ inProgress: 2, waiting: 1 });
    second();
    (await fourth)();
    freeThird();
    expect(order).toEqual(["third", "fourth"]);
    expect(gate.stats()).toEqual({ inProgress: 0, waiting: 0 });
  });

  it("answers a request that waited maxWaitMs with 503 overloaded and a Retry-After", async () => {
    const gate = createConcurrencyGate({ maxInProgress: 1, maxWaitMs: 30 });
    const free = await gate.enter();
    const started = performance.now();
    const error = await gate.enter().catch((e: unknown) => e);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(error).toBeInstanceOf(CollectorError);
    expect(error).toMatchObject({ code: "overloaded", statusCode: 503, retryAfterSeconds: 1 });
    expect(gate.stats()).toEqual({ inProgress: 1, waiting: 0 });
    free();
    expect(gate.stats()).toEqual({ inProgress: 0, waiting: 0 });
  });
});

describe("an overloaded collector", () => {
  /** A publisher whose publishes wait until released: requests stay in progress as long as we like. */
  function heldPublisher() {
    const held: Array<() => void> = [];
    const published: PublishRecord[] = [];
    const publisher: EventPublisher = {
      publish: (records) =>
        new Promise<void>((resolve) => {
          held.push(() => {
            published.push(...records);
            resolve();
          });
        }),
      isReady: async () => true,
      close: async () => undefined,
    };
    return { publisher, held, published };
  }

  it("works on COLLECTOR_MAX_IN_PROGRESS requests, lets the next wait its turn, and turns away one that waits too long", async () => {
    const { publisher, held, published } = heldPublisher();
    const config = devConfig({ COLLECTOR_MAX_IN_PROGRESS: "1", COLLECTOR_MAX_QUEUE_WAIT_MS: "300" });
    const app = buildApp({ config, publisher });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/v1/batch`;
    const post = (messageId: string) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ batch: [{ ...validFixtures[0]?.event, messageId }] }),
      });
    const publishesHeld = async (count: number) => {
      while (held.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    try {
      const first = post("m-1");
      await publishesHeld(1);
      const second = post("m-2"); // waits for m-1's slot
      await new Promise((resolve) => setTimeout(resolve, 50));
      const third = post("m-3"); // waits behind m-2
      held.shift()?.(); // m-1 done: its slot passes to m-2, whose publish is then held too
      expect((await first).status).toBe(200);
      await publishesHeld(1);

      const refused = await third; // still behind m-2 after 300 ms
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("overloaded");

      held.shift()?.();
      expect((await second).status).toBe(200);
      expect(published.map((r) => JSON.parse(r.value).event.messageId)).toEqual(["m-1", "m-2"]);
      const metrics = await (await fetch(url.replace("/v1/batch", "/metrics"))).text();
      expect(metrics).toMatch(/^collector_requests_in_progress 0$/m);
      expect(metrics).toMatch(/^collector_requests_waiting 0$/m);
      expect(metrics).toMatch(/^collector_request_errors_total\{code="overloaded"\} 1$/m);
    } finally {
      for (const release of held) release();
      await app.close();
    }
  });
});
