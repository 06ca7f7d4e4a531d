import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isBatchRequest } from "../src/batch-body.js";
import { type Cdn, startCdn } from "../src/cdn.js";

/** An origin on loopback that answers with what it received, and 503 for /v1/batch?fail. */
const origin = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const status = req.url?.includes("fail") ? 503 : 200;
    res.writeHead(status, { "content-type": "application/json", "x-origin": "yes" });
    res.end(JSON.stringify({ xff: req.headers["x-forwarded-for"], body: Buffer.concat(chunks).toString() }));
  });
});
let originUrl: string;
let cdn: Cdn;
const seen: Array<[string, number]> = [];

/** A request through the proxy, as a browser configured with it sends one: the absolute URL as the target. */
function viaProxy(method: string, url: string, body = ""): Promise<{ status: number; headers: object; text: string }> {
  const proxy = new URL(cdn.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: proxy.hostname,
        port: proxy.port,
        method,
        path: url,
        headers: { host: URL.canParse(url) ? new URL(url).host : proxy.host },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => {
          text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

beforeAll(async () => {
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  cdn = await startCdn("179.100.1.2", isBatchRequest, (body, status) => seen.push([body, status]));
});

afterAll(async () => {
  await cdn.close();
  await new Promise((resolve) => origin.close(resolve));
});

describe("the stand-in CDN", () => {
  it("forwards with the shopper's address in X-Forwarded-For and hands back the origin's answer", async () => {
    const answer = await viaProxy("GET", `${originUrl}/p/sku-100`);
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({ "x-origin": "yes" });
    expect(JSON.parse(answer.text)).toEqual({ xff: "179.100.1.2", body: "" });
    expect(seen).toEqual([]);
  });

  it("reports each batch with its answer, a refusal too", async () => {
    const body = JSON.stringify({ batch: [{ type: "page", messageId: "m1" }] });
    expect((await viaProxy("POST", `${originUrl}/v1/batch`, body)).status).toBe(200);
    expect((await viaProxy("POST", `${originUrl}/v1/batch?fail`, body)).status).toBe(503);
    expect(seen).toEqual([
      [body, 200],
      [body, 503],
    ]);
    expect(cdn.inFlight()).toBe(0);
  });

  it("answers 502 and reports status 0 when the origin cannot be reached", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    seen.length = 0;
    expect((await viaProxy("POST", `http://127.0.0.1:${port}/v1/batch`, "{}")).status).toBe(502);
    expect(seen).toEqual([["{}", 0]]);
  });

  it("refuses what it cannot forward", async () => {
    expect((await viaProxy("GET", "/relative")).status).toBe(400);
    expect((await viaProxy("GET", "https://127.0.0.1:1/")).status).toBe(501);
  });
});
