import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createTracker } from "../src/index.js";
import { createFetchTransport, retryAfterMs } from "../src/platform/fetch-transport.js";

interface Received {
  contentType: string | undefined;
  body: { batch: Array<{ messageId: string }>; sentAt: string; writeKey: string };
}

let server: Server | undefined;
afterEach(async () => {
  const running = server;
  server = undefined;
  if (running?.listening) await new Promise((resolve) => running.close(resolve));
});

/** A recording collector on a free loopback port that answers with `respond`. */
async function collector(respond: (res: ServerResponse, count: number) => void) {
  const received: Received[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      received.push({ contentType: req.headers["content-type"], body: JSON.parse(body) });
      respond(res, received.length);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return { host: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe("fetch transport", () => {
  it("POSTs the batch as CORS-simple text/plain JSON and reads the status", async () => {
    const { host, received } = await collector((res) => res.writeHead(200).end('{"success":true}'));
    const result = await createFetchTransport().send(`${host}/v1/batch`, {
      batch: [],
      sentAt: "2026-11-28T15:00:00.000Z",
      writeKey: "wk",
    });
    expect(result).toEqual({ status: 200, retryAfterMs: undefined });
    expect(received[0]?.contentType).toBe("text/plain;charset=UTF-8");
    expect(received[0]?.body).toEqual({ batch: [], sentAt: "2026-11-28T15:00:00.000Z", writeKey: "wk" });
  });

  it("reads Retry-After on a 503", async () => {
    const { host } = await collector((res) => res.writeHead(503, { "retry-after": "7" }).end());
    const result = await createFetchTransport().send(`${host}/v1/batch`, { batch: [], sentAt: "", writeKey: "" });
    expect(result).toEqual({ status: 503, retryAfterMs: 7000 });
  });

  it("reads the events the collector rejected: a 200's rejected[], a 400's error.details.rejected", async () => {
    const reason = { index: 1, messageId: "m-2", code: "schema_violation", message: "bad", path: "/event" };
    const answers = [
      JSON.stringify({ success: true, accepted: 1, rejected: [reason] }),
      JSON.stringify({
        success: false,
        error: { code: "no_valid_events", message: "none", details: { rejected: [reason] } },
      }),
      JSON.stringify({ success: false, error: { code: "invalid_body", message: "no batch" } }),
      "not json",
    ];
    const { host } = await collector((res, count) => res.writeHead(count === 1 ? 200 : 400).end(answers[count - 1]));
    const transport = createFetchTransport();
    const send = () => transport.send(`${host}/v1/batch`, { batch: [], sentAt: "", writeKey: "" });
    expect(await send()).toEqual({ status: 200, rejected: [reason] });
    // A 400 that accepted none: the queue counts them rejected (with the reasons), not a dropped batch.
    expect(await send()).toEqual({ status: 400, rejected: [reason] });
    expect((await send()).rejected).toBeUndefined();
    expect(await send()).toEqual({ status: 400 });
  });

  it("answers status 0 when nothing answers", async () => {
    const { host } = await collector((res) => res.destroy());
    server?.close();
    const result = await createFetchTransport().send(`${host}/v1/batch`, { batch: [], sentAt: "", writeKey: "" });
    expect(result.status).toBe(0);
  });

  it("takes Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-28T15:00:00.000Z");
    expect(retryAfterMs("120", now)).toBe(120_000);
    expect(retryAfterMs("Sat, 28 Nov 2026 15:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Sat, 28 Nov 2026 14:00:00 GMT", now)).toBeUndefined();
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it("the Node tracker delivers every event to a collector that fails first with 503 + Retry-After", async () => {
    const { host, received } = await collector((res, count) =>
      count === 1 ? res.writeHead(503, { "retry-after": "0.05" }).end() : res.writeHead(200).end(),
    );
    const tracker = createTracker({ host, writeKey: "wk", flushAt: 2 }, { random: () => 0 });
    const ids = [tracker.track("A"), tracker.track("B")];
    await tracker.flush();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await tracker.close();
    expect(received).toHaveLength(2);
    expect(received[1]?.body.batch.map((e) => e.messageId)).toEqual(ids);
    expect(tracker.stats()).toEqual({ queued: 0, sent: 2, dropped: 0, rejected: 0 });
  });
});
