import { connect } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync, zstdCompressSync } from "node:zlib";
import { eventTypes, findCardNumberInEvent } from "@shop/event-schema";
import fc from "fast-check";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { describe, expect, it } from "vitest";
import { invalidFixtures, validFixtures } from "./fixtures.js";
import { basicAuth, setupApp } from "./setup-app.js";

const WRITE_KEY = "wk_fuzz";
const env = {
  COLLECTOR_WRITE_KEYS: `${WRITE_KEY}=fuzz-shop`,
  COLLECTOR_CORS_ORIGINS: "https://shop.example",
  COLLECTOR_MAX_EVENT_BYTES: "4096",
  COLLECTOR_MAX_BATCH_BYTES: "65536",
};
const auth = { authorization: basicAuth(WRITE_KEY) };
const good = validFixtures[1]?.event as Record<string, unknown>;
const json = (value: unknown) => JSON.stringify(value);

/** A 4xx answer as every client error must look: JSON, success false, a code and a message. */
function expectClientError(response: LightMyRequestResponse, status?: number, code?: string) {
  expect(response.statusCode, response.body).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, response.body).toBeLessThan(500);
  if (status !== undefined) expect(response.statusCode, response.body).toBe(status);
  expect(response.headers["content-type"]).toContain("application/json");
  const body = response.json();
  expect(body).toMatchObject({ success: false, error: { code: expect.any(String), message: expect.any(String) } });
  if (code !== undefined) expect(body.error.code).toBe(code);
}

const post = (payload: string | Buffer, headers: Record<string, string> = {}, url = "/v1/batch"): InjectOptions => ({
  method: "POST",
  url,
  headers: { ...auth, "content-type": "application/json", ...headers },
  payload,
});
const batchOf = (...events: unknown[]) => json({ batch: events });
const single = (fields: Record<string, unknown>) => batchOf({ ...good, messageId: "m-bad", ...fields });

describe("bad input gets a 4xx with a JSON reason, never a 5xx", () => {
  const cases: Array<[string, InjectOptions, number, string]> = [
    ["malformed JSON", post('{"batch": [{"type":'), 400, "invalid_json"],
    ["malformed JSON as text/plain", post("{batch:[]}", { "content-type": "text/plain" }), 400, "invalid_json"],
    ["an XML body", post("<batch/>", { "content-type": "application/xml" }), 400, "invalid_json"],
    ["a form body", post("batch=1", { "content-type": "application/x-www-form-urlencoded" }), 400, "invalid_json"],
    [
      "a multipart body",
      post("--x\r\n\r\n--x--", { "content-type": "multipart/form-data; boundary=x" }),
      400,
      "invalid_json",
    ],
    ["an empty JSON body", post(""), 400, "invalid_json"],
    ["an empty object", post("{}"), 400, "invalid_body"],
    ["JSON null", post("null"), 400, "invalid_body"],
    ["a bare array", post("[]"), 400, "invalid_body"],
    ["a bare string", post('"batch"'), 400, "invalid_body"],
    ["batch of the wrong type", post('{"batch":"everything"}'), 400, "invalid_body"],
    [
      "a body over the batch limit",
      post(batchOf({ ...good, properties: { pad: "x".repeat(70_000) } })),
      413,
      "payload_too_large",
    ],
    [
      "a gzip bomb",
      post(gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)), { "content-encoding": "gzip" }),
      413,
      "payload_too_large",
    ],
    [
      "a zstd bomb",
      post(zstdCompressSync(Buffer.alloc(64 * 1024 * 1024, 0x20)), { "content-encoding": "zstd" }),
      413,
      "payload_too_large",
    ],
    ["corrupt zstd", post(Buffer.from("definitely not zstd"), { "content-encoding": "zstd" }), 400, "invalid_body"],
    ["corrupt gzip", post(Buffer.from("definitely not gzip"), { "content-encoding": "gzip" }), 400, "invalid_body"],
    ["an unknown Content-Encoding", post("{}", { "content-encoding": "compress" }), 415, "unsupported_encoding"],
    ["deep nesting", post(`{"batch":[${"[".repeat(5000)}${"]".repeat(5000)}]}`), 400, "too_deeply_nested"],
    ["a __proto__ key", post('{"batch":[{"type":"track","__proto__":{"isAdmin":true}}]}'), 400, "invalid_json"],
    ["a constructor.prototype key", post('{"batch":[{"constructor":{"prototype":{"x":1}}}]}'), 400, "invalid_json"],
    [
      "invalid UTF-8",
      post(Buffer.from([...Buffer.from('{"batch":[{"event":"'), 0xff, 0xfe, ...Buffer.from('"}]}')])),
      400,
      "invalid_utf8",
    ],
    ["an event of the wrong type", post(batchOf("track me")), 400, "no_valid_events"],
    ["a field of the wrong type", post(single({ event: 42 })), 400, "no_valid_events"],
    ["an unknown event type", post(single({ type: "purchase" })), 400, "no_valid_events"],
    ["no messageId", post(batchOf({ type: "track", event: "x", anonymousId: "a" })), 400, "no_valid_events"],
    [
      "neither anonymousId nor userId",
      post(batchOf({ type: "track", event: "x", messageId: "m" })),
      400,
      "no_valid_events",
    ],
    ["a timestamp that is not a date", post(single({ timestamp: "yesterday" })), 400, "no_valid_events"],
    ["a timestamp out of range", post(single({ timestamp: "2024-13-45T25:61:00Z" })), 400, "no_valid_events"],
    ["a numeric timestamp", post(single({ timestamp: 1_700_000_000_000 })), 400, "no_valid_events"],
    ["an event over the event limit", post(single({ properties: { pad: "x".repeat(5000) } })), 400, "no_valid_events"],
    [
      "more events than a batch may hold",
      post(json({ batch: Array.from({ length: 2501 }, () => 0) })),
      400,
      "invalid_body",
    ],
    ["a single-event call with an array", post("[1,2]", {}, "/v1/track"), 400, "invalid_body"],
    [
      "no write key",
      { ...post(batchOf(good)), headers: { "content-type": "application/json" } },
      401,
      "missing_write_key",
    ],
    ["an unknown write key", post(batchOf(good), { authorization: basicAuth("wk_guess") }), 401, "invalid_write_key"],
    ["a malformed Authorization header", post(batchOf(good), { authorization: "Basic %%%" }), 401, "missing_write_key"],
    ["CORS from an unknown origin", post(batchOf(good), { origin: "https://evil.example" }), 403, "origin_not_allowed"],
    ["an unknown path", post(batchOf(good), {}, "/v2/batch"), 404, "not_found"],
  ];

  it.each(cases)("%s", async (_name, request, status, code) => {
    const { app, published } = setupApp(env);
    const response = await app.inject(request);
    expectClientError(response, status, code);
    if (code !== "no_valid_events") expect(published).toHaveLength(0);
    expect((await app.inject("/health")).statusCode).toBe(200);
  });

  it("accepts well-formed but absurd timestamps, and clamps the event time to the receive time", async () => {
    const { app, published } = setupApp(env);
    const response = await app.inject(
      post(
        batchOf(
          { ...good, messageId: "m-old", timestamp: "1970-01-01T00:00:00Z" },
          { ...good, messageId: "m-future", timestamp: "9999-12-31T23:59:59Z" },
        ),
      ),
    );
    expect(response.statusCode).toBe(200);
    for (const record of published.map((r) => JSON.parse(r.value))) {
      expect(record.enrichment.eventTs).toBe(record.receivedAt);
    }
  });

  it("dead-letters every shared invalid fixture with its reason, also when one valid event rides along", async () => {
    const { app, published } = setupApp(env);
    const response = await app.inject(post(batchOf(good, ...invalidFixtures.map((f) => f.event))));
    expect(response.statusCode).toBe(200);
    expect(response.json().rejected.map((r: { code: string }) => r.code)).toEqual(
      invalidFixtures.map((f) => f.expect.code),
    );
    expect(published.filter((r) => r.topic === "events.invalid")).toHaveLength(invalidFixtures.length);
  });
});

describe("property-based fuzzing (fast-check)", () => {
  const contentTypes = [
    "application/json",
    "application/json",
    "text/plain;charset=UTF-8",
    "application/xml",
    "",
    "image/png",
  ];
  const encodings = [undefined, undefined, "identity", "gzip", "deflate", "br", "zstd"];
  const compressors = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync, zstd: zstdCompressSync };
  /** A JSON text with a random cut and random text spliced in. */
  const almostJson = fc
    .tuple(fc.jsonValue({ maxDepth: 4 }), fc.nat(), fc.nat(), fc.string({ unit: "binary", maxLength: 8 }))
    .map(([value, cut, keep, splice]) => {
      const text = JSON.stringify({ batch: [value] });
      const at = cut % (text.length + 1);
      return Buffer.from(text.slice(0, at) + splice + text.slice(at + (keep % 3)));
    });

  it("never answers arbitrary bytes, content types and encodings with a 5xx", async () => {
    const { app } = setupApp(env);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }),
          fc.string({ unit: "binary", maxLength: 512 }).map((text) => Buffer.from(text)),
          almostJson,
        ),
        fc.constantFrom(...contentTypes),
        fc.constantFrom(...encodings),
        fc.constantFrom("/v1/batch", "/v1/track", "/v1/identify"),
        async (bytes, contentType, encoding, url) => {
          if (/gzip|deflate|br/.test(encoding ?? "") && bytes.length % 2 === 0) {
            // Half the compressed cases carry a real compressed body, to fuzz what lies behind it.
            bytes = compressors[encoding as keyof typeof compressors](bytes);
          }
          const headers: Record<string, string> = { ...auth };
          if (contentType) headers["content-type"] = contentType;
          if (encoding) headers["content-encoding"] = encoding;
          const response = await app.inject({ method: "POST", url, headers, payload: Buffer.from(bytes) });
          expectClientError(response);
        },
      ),
      { numRuns: 300 },
    );
    expect((await app.inject("/health")).statusCode).toBe(200);
  });

  it("answers any JSON value with a 200 or a JSON 4xx, and accounts for every event", async () => {
    const { app, published } = setupApp(env);
    const anyEvent = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record(
        {
          type: fc.oneof(fc.constantFrom(...eventTypes), fc.string()),
          messageId: fc.oneof(fc.uuid(), fc.string(), fc.integer()),
          anonymousId: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(undefined)),
          userId: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)),
          event: fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 1 })),
          timestamp: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            fc.string(),
            fc.integer(),
          ),
          properties: fc.jsonValue({ maxDepth: 3 }),
          context: fc.jsonValue({ maxDepth: 3 }),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(anyEvent, { maxLength: 20 }), fc.boolean(), async (batch, textPlain) => {
        published.length = 0;
        const response = await app.inject(
          post(JSON.stringify({ batch }), textPlain ? { "content-type": "text/plain" } : {}),
        );
        if (response.statusCode === 200) {
          const body = response.json();
          expect(body.accepted + body.rejected.length).toBe(batch.length);
          expect(published.filter((r) => r.topic === "events.raw")).toHaveLength(body.accepted);
          expect(published.filter((r) => r.topic === "events.invalid")).toHaveLength(body.rejected.length);
        } else {
          expectClientError(response);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("accepts every event that follows the contract, and publishes it with its messageId", async () => {
    const { app, published } = setupApp(env);
    const identifier = fc.string({ minLength: 1, maxLength: 40 });
    const validEvent = fc
      .record({
        type: fc.constantFrom(...eventTypes),
        messageId: fc.uuid(),
        anonymousId: identifier,
        timestamp: fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }),
        properties: fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
        extra: identifier,
      })
      .map(({ type, messageId, anonymousId, timestamp, properties, extra }) => ({
        type,
        messageId,
        anonymousId,
        timestamp: timestamp.toISOString(),
        ...(type === "track" ? { event: `Fuzz ${extra}`, properties } : {}),
        ...(type === "page" || type === "screen" ? { name: extra, properties } : {}),
        ...(type === "identify" ? { traits: properties } : {}),
        ...(type === "group" ? { groupId: extra, traits: properties } : {}),
        ...(type === "alias" ? { previousId: extra } : {}),
      }));
    await fc.assert(
      fc.asyncProperty(fc.array(validEvent, { minLength: 1, maxLength: 10 }), async (batch) => {
        const body = JSON.stringify({ batch });
        // fast-check generates __proto__ keys too; the collector refuses those on purpose (above).
        fc.pre(!/"(__proto__|prototype)"/.test(body));
        // A random 16-digit integer passes for a card number about one time in twenty (network prefix and
        // Luhn check); the collector refuses card numbers on purpose (pan_detected, tested in the contract).
        fc.pre(batch.every((event) => findCardNumberInEvent(event) === undefined));
        published.length = 0;
        const response = await app.inject(post(body));
        expect(response.json()).toEqual({ success: true, accepted: batch.length, rejected: [] });
        expect(published.map((r) => JSON.parse(r.value).event.messageId)).toEqual(batch.map((e) => e.messageId));
      }),
      { numRuns: 200 },
    );
  });

  it("keeps a real listener up under random bytes on raw sockets, answering JSON 4xx or closing", async () => {
    const { app } = setupApp({ ...env, COLLECTOR_REQUEST_TIMEOUT_MS: "500" });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = app.server.address() as { port: number };
    const exchange = (bytes: Uint8Array) =>
      new Promise<string>((resolve) => {
        const socket = connect(port, "127.0.0.1");
        let answer = "";
        socket.on("data", (chunk) => {
          answer += String(chunk);
        });
        socket.on("error", () => resolve(answer));
        socket.on("close", () => resolve(answer));
        socket.setTimeout(3000, () => socket.destroy());
        socket.end(Buffer.from(bytes));
      });
    const request = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 512 }),
      fc
        .tuple(
          fc.constantFrom("POST", "GET", "PUT", "BREW"),
          fc.oneof(
            fc.constant(""),
            fc.string({ unit: "grapheme-ascii", maxLength: 30 }).map((value) => `X-Fuzz: ${value}\r\n`),
            fc.string({ maxLength: 40 }),
          ),
          fc.oneof(almostJson, fc.uint8Array({ maxLength: 256 })),
          fc.integer({ min: -2, max: 2 }),
        )
        .map(([method, header, body, lengthError]) =>
          Buffer.concat([
            Buffer.from(
              `${method} /v1/batch HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth.authorization}\r\n` +
                `Content-Type: application/json\r\nContent-Length: ${body.length + lengthError}\r\n${header}\r\n`,
            ),
            Buffer.from(body),
          ]),
        ),
    );
    await fc.assert(
      fc.asyncProperty(request, async (bytes) => {
        const answer = await exchange(bytes);

        for (const status of answer.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)) {
          expect(Number(status[1]), answer).toBeLessThan(500);
        }
      }),
      { numRuns: 150 },
    );
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
  });
});
