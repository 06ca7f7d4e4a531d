import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validFixtures } from "./fixtures.js";
import { stackEnv } from "./stack-env.js";
import { type CollectorProcess, startCollectorProcess } from "./support/collector-process.js";
import { createTopics, deleteTopics, readTopic } from "./support/kafka.js";

/**
 * Write keys from a file, in the real process: rotated by rewriting the file and by SIGHUP while a
 * keep-alive connection stays open, and no start at all without keys.
 */
const env = stackEnv();
const brokers = env.KAFKA_BROKERS.split(",");
const run = randomUUID().slice(0, 8);
const rawTopic = `test-keys-${run}.raw`;
const invalidTopic = `test-keys-${run}.invalid`;
const dir = mkdtempSync(join(tmpdir(), "collector-keys-"));
const keysFile = join(dir, "write-keys");
const baseEnv = { KAFKA_BROKERS: env.KAFKA_BROKERS, KAFKA_TOPIC_RAW: rawTopic, KAFKA_TOPIC_INVALID: invalidTopic };

let collector: CollectorProcess;
// One socket for every request: a reload must not close connections.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

const send = (key: string, messageId: string) =>
  new Promise<{ status: number; reusedSocket: boolean }>((resolve, reject) => {
    const body = JSON.stringify({ batch: [{ ...validFixtures[0]?.event, messageId }] });
    const req = request(
      `${collector.url}/v1/batch`,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}`,
        },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0, reusedSocket: req.reusedSocket }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });

const count = (text: string, part: string) => text.split(part).length - 1;

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  await createTopics(brokers, [
    { topic: rawTopic, partitions: 1 },
    { topic: invalidTopic, partitions: 1 },
  ]);
  writeFileSync(keysFile, "# the web shop's key\nwk_old=web-shop\n");
  collector = await startCollectorProcess({
    ...baseEnv,
    COLLECTOR_WRITE_KEYS_FILE: keysFile,
    // Two workers: the primary passes SIGHUP on to each, and each reloads.
    COLLECTOR_WORKERS: "2",
    // Polling slower than the test's steps, so the SIGHUP step is the signal's doing.
    COLLECTOR_WRITE_KEYS_FILE_POLL_MS: "600000",
    COLLECTOR_CORS_ORIGINS: "https://shop.example",
  });
}, 60_000);

afterAll(async () => {
  agent.destroy();
  await collector?.stop();
  rmSync(dir, { recursive: true, force: true });
  await deleteTopics(brokers, [rawTopic, invalidTopic]);
});

describe("write keys from a file (COLLECTOR_WRITE_KEYS_FILE)", () => {
  it("rotates a key on SIGHUP without closing the open connection", async () => {
    expect(await send("wk_old", `${run}-1`)).toEqual({ status: 200, reusedSocket: false });
    expect((await send("wk_new", `${run}-2`)).status).toBe(401);

    // Step 1 of a rotation: both keys for the source.
    writeFileSync(keysFile, "wk_old=web-shop\nwk_new=web-shop\n");
    collector.child.kill("SIGHUP");
    await until(async () => count(collector.output(), '"keys":2') === 2, "both workers' reload");
    expect(await send("wk_new", `${run}-3`)).toEqual({ status: 200, reusedSocket: true });
    expect(await send("wk_old", `${run}-4`)).toEqual({ status: 200, reusedSocket: true });

    // Step 2: the old key removed.
    writeFileSync(keysFile, "wk_new=web-shop\n");
    collector.child.kill("SIGHUP");
    await until(async () => count(collector.output(), '"keys":1') === 2, "both workers' second reload");
    expect(await send("wk_old", `${run}-5`)).toEqual({ status: 401, reusedSocket: true });
    expect(await send("wk_new", `${run}-6`)).toEqual({ status: 200, reusedSocket: true });

    // A broken file is refused; the keys in force stay.
    writeFileSync(keysFile, "wk_newest\n");
    collector.child.kill("SIGHUP");
    await until(async () => count(collector.output(), "write key file not reloaded") === 2, "the refused reloads");
    expect(await send("wk_new", `${run}-7`)).toEqual({ status: 200, reusedSocket: true });
    expect(collector.output()).not.toContain("wk_newest");

    const stored = (await readTopic(brokers, rawTopic)).map((r) => JSON.parse(r.value).event.messageId).sort();
    expect(stored).toEqual([`${run}-1`, `${run}-3`, `${run}-4`, `${run}-6`, `${run}-7`]);
  });

  it("follows a rewritten file on its own (polling)", async () => {
    const file = join(dir, "polled-keys");
    writeFileSync(file, "wk_a=web-shop\n");
    const polled = await startCollectorProcess({
      ...baseEnv,
      COLLECTOR_WRITE_KEYS_FILE: file,
      COLLECTOR_WRITE_KEYS_FILE_POLL_MS: "100",
    });
    try {
      const status = async (key: string) =>
        (
          await fetch(`${polled.url}/v1/batch`, {
            method: "POST",
            headers: { "content-type": "application/json", "x-write-key": key },
            body: JSON.stringify({ batch: [{ ...validFixtures[0]?.event, messageId: `${run}-p-${key}` }] }),
          })
        ).status;
      expect(await status("wk_b")).toBe(401);
      writeFileSync(file, "wk_b=web-shop\n");
      await until(async () => (await status("wk_b")) === 200, "the new key");
      expect(await status("wk_a")).toBe(401);
      expect(polled.output()).toContain('"trigger":"change"');
    } finally {
      await polled.stop();
    }
  });

  it("refuses to start without keys, and warns when development mode turns authentication off", async () => {
    const refused = await startCollectorProcess(baseEnv, { waitUntilReady: false });
    expect(await refused.exited).toBe(78);
    expect(refused.output()).toContain("no write keys: set COLLECTOR_WRITE_KEYS or COLLECTOR_WRITE_KEYS_FILE");

    const dev = await startCollectorProcess({ ...baseEnv, COLLECTOR_ALLOW_NO_WRITE_KEYS: "true" });
    try {
      expect(dev.output()).toMatch(/"level":40,.*authentication is off/);
    } finally {
      await dev.stop();
    }
  });
});
