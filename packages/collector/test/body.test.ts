import { getDefaultHighWaterMark, Readable } from "node:stream";
import { brotliCompressSync, deflateSync, gzipSync, zstdCompressSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CollectorError } from "../src/http/errors.js";
import { nestsDeeperThan, parseJsonBody } from "../src/http/json-body.js";
import { contentEncodingOf, readBody } from "../src/http/read-body.js";
import { validFixtures } from "./fixtures.js";
import { setupApp } from "./setup-app.js";

const MiB = 1024 * 1024;

/** A stream of `members` gzip members, each 16 MiB of zeros inflated, that counts what was read from it. */
function gzipBomb(members: number) {
  const member = gzipSync(Buffer.alloc(16 * MiB));
  let served = 0;
  const stream = Readable.from(
    (function* () {
      for (let i = 0; i < members; i++) {
        served += member.length;
        yield member;
      }
    })(),
  );
  return { stream, memberBytes: member.length, totalBytes: member.length * members, served: () => served };
}

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return error instanceof CollectorError ? error.code : String(error);
  }
};

describe("readBody", () => {
  it.each([
    ["gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
  ] as const)("inflates %s bodies", async (encoding, compress) => {
    const json = Buffer.from(JSON.stringify({ batch: [validFixtures[0]?.event] }));
    const body = await readBody(Readable.from([compress(json)]), { encoding, maxBytes: 4096 });
    expect(body.equals(json)).toBe(true);
  });

  it("stops inflating a gzip bomb as soon as the cap is passed, without reading the rest", async () => {
    const bomb = gzipBomb(64); // 1 GiB inflated, ~1 MiB on the wire
    const code = await codeOf(readBody(bomb.stream, { encoding: "gzip", maxBytes: 512 * 1024 }));
    expect(code).toBe("payload_too_large");
    // One 16 MiB member is already 32x the cap. What is read ahead: the members that fit in the
    // decompressor's input buffer (the stream default: 16 KiB up to Node 20, 64 KiB since Node 22) and
    // two more in flight, no more.
    const queued = Math.ceil(getDefaultHighWaterMark(false) / bomb.memberBytes);
    expect(bomb.served()).toBeLessThanOrEqual(bomb.memberBytes * (queued + 2));
    expect(bomb.served()).toBeLessThan(bomb.totalBytes / 10);
  });

  it("caps the bytes on the wire too, before any decompression", async () => {
    const code = await codeOf(readBody(Readable.from([Buffer.alloc(3000)]), { encoding: "identity", maxBytes: 2048 }));
    expect(code).toBe("payload_too_large");
    expect(await codeOf(readBody(Readable.from([]), { encoding: "identity", maxBytes: 10, contentLength: "11" }))).toBe(
      "payload_too_large",
    );
  });

  it("refuses corrupt compressed data and a body shorter than its Content-Length with 400", async () => {
    expect(await codeOf(readBody(Readable.from([Buffer.from("not gzip")]), { encoding: "gzip", maxBytes: 100 }))).toBe(
      "invalid_body",
    );
    expect(
      await codeOf(
        readBody(Readable.from([Buffer.from("{}")]), { encoding: "identity", maxBytes: 100, contentLength: "5" }),
      ),
    ).toBe("invalid_body");
  });

  it("knows the codings clients use and refuses the rest with 415", () => {
    expect(
      [undefined, "identity", "GZIP", "x-gzip", "deflate", " br ", "zstd"].map((h) => contentEncodingOf(h)),
    ).toEqual(["identity", "identity", "gzip", "gzip", "deflate", "br", "zstd"]);
    for (const header of ["compress", "snappy", "gzip, br", "gzip;q=1"]) {
      expect(() => contentEncodingOf(header)).toThrow(expect.objectContaining({ code: "unsupported_encoding" }));
    }
  });
});

describe("parseJsonBody", () => {
  const parse = (text: string | Buffer, depth = 32) =>
    parseJsonBody(Buffer.isBuffer(text) ? text : Buffer.from(text), depth);
  const codeOfSync = (fn: () => unknown) => {
    try {
      fn();
      return "parsed";
    } catch (error) {
      return error instanceof CollectorError ? error.code : String(error);
    }
  };

  it("parses JSON, with or without a UTF-8 byte order mark", () => {
    expect(parse('{"a":[1,{"b":"ü"}]}')).toEqual({ a: [1, { b: "ü" }] });
    expect(parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("[1]")]))).toEqual([1]);
  });

  it.each([
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), "invalid_utf8"],
    ["a lone surrogate encoded as UTF-8", Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), "invalid_utf8"],
    ["an empty body", "  \n", "invalid_json"],
    ["a __proto__ key", '{"batch":[{"__proto__":{"polluted":true}}]}', "invalid_json"],
    ["an escaped __proto__ key", '{"\\u005f_proto__":{"polluted":true}}', "invalid_json"],
    ["a constructor.prototype key", '{"constructor":{"prototype":{"polluted":true}}}', "invalid_json"],
    ["nesting past the limit", `${"[".repeat(33)}${"]".repeat(33)}`, "too_deeply_nested"],
    ["truncated JSON", '{"batch":[', "invalid_json"],
  ])("refuses %s", (_name, body, code) => {
    expect(codeOfSync(() => parse(body))).toBe(code);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("accepts a plain key named constructor: it is data, and cannot reach a prototype", () => {
    const parsed = parse('{"constructor":"Ferrari","nested":{"constructor":{"name":"x"}}}') as Record<string, unknown>;
    expect(parsed.constructor).toBe("Ferrari");
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });
});

describe("nestsDeeperThan", () => {
  const deeper = (text: string, max: number) => nestsDeeperThan(Buffer.from(text), max);

  it("counts arrays and objects, and ignores brackets inside strings, escaped quotes included", () => {
    expect(deeper('{"a":{"b":[1]}}', 3)).toBe(false);
    expect(deeper('{"a":{"b":[1]}}', 2)).toBe(true);
    expect(deeper(`{"s":"${"[{".repeat(50)}"}`, 2)).toBe(false);
    expect(deeper(`{"s":"\\"${"[".repeat(50)}"}`, 2)).toBe(false);
    expect(deeper(`{"s":"\\\\","t":${"[".repeat(5)}${"]".repeat(5)}}`, 4)).toBe(true);
    expect(deeper("[[],[],[],[],[],[]]", 2)).toBe(false);
  });
});

describe("compressed and text/plain bodies through the app", () => {
  const json = () => JSON.stringify({ batch: [validFixtures[0]?.event, validFixtures[1]?.event] });

  it.each([
    ["gzip", gzipSync, "application/json"],
    ["deflate", deflateSync, "application/json"],
    ["br", brotliCompressSync, "text/plain;charset=UTF-8"],
  ] as const)("accepts a %s body sent as %s", async (encoding, compress, contentType) => {
    const { app, published } = setupApp();
    const response = await app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { "content-type": contentType, "content-encoding": encoding },
      payload: compress(Buffer.from(json())),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ success: true, accepted: 2 });
    expect(published).toHaveLength(2);
  });

  it("answers a gzip bomb with 413 and stays up", async () => {
    const { app, published } = setupApp();
    const member = gzipSync(Buffer.alloc(16 * MiB, 0x20));
    const started = Date.now();
    const response = await app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      payload: Buffer.concat([member, member, member, member]),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ success: false, error: { code: "payload_too_large" } });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(published).toHaveLength(0);
    expect((await app.inject("/health")).statusCode).toBe(200);
  });

  it.each([
    ["text/plain", undefined],
    ["text/plain;charset=UTF-8", "gzip"],
    ["application/json", "br"],
  ])("refuses __proto__ keys in a %s body with Content-Encoding %s", async (contentType, encoding) => {
    const { app, published } = setupApp();
    const text = Buffer.from(
      '{"batch":[{"type":"track","event":"x","messageId":"m","anonymousId":"a","__proto__":{"admin":true}}]}',
    );
    const payload = encoding === "gzip" ? gzipSync(text) : encoding === "br" ? brotliCompressSync(text) : text;
    const response = await app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { "content-type": contentType, ...(encoding ? { "content-encoding": encoding } : {}) },
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("invalid_json");
    expect(published).toHaveLength(0);
    expect(({} as { admin?: boolean }).admin).toBeUndefined();
  });

  it("answers an unknown Content-Encoding with 415", async () => {
    const { app } = setupApp();
    const response = await app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { "content-type": "application/json", "content-encoding": "compress" },
      payload: json(),
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe("unsupported_encoding");
  });
});

describe("a body is read as JSON whatever Content-Type it declares", () => {
  const batch = () => Buffer.from(JSON.stringify({ batch: [validFixtures[0]?.event] }));
  it.each([
    ["application/x-www-form-urlencoded", "gzip"], // RudderStack's Node library (axios' label for a Buffer)
    ["application/x-www-form-urlencoded", undefined],
    ["application/octet-stream", "deflate"],
    ["application/json", "zstd"],
    ["application/vnd.segment.v1+json; charset=utf-8", undefined],
    ["text/plain;charset=UTF-8", "br"],
    [undefined, undefined],
    [undefined, "gzip"],
  ])("accepts a batch declared as %s with Content-Encoding %s", async (contentType, encoding) => {
    const { app, published } = setupApp();
    const text = batch();
    const payload =
      encoding === "gzip"
        ? gzipSync(text)
        : encoding === "deflate"
          ? deflateSync(text)
          : encoding === "br"
            ? brotliCompressSync(text)
            : encoding === "zstd"
              ? zstdCompressSync(text)
              : text;
    const headers: Record<string, string> = {};
    if (contentType) headers["content-type"] = contentType;
    if (encoding) headers["content-encoding"] = encoding;
    const response = await app.inject({ method: "POST", url: "/v1/batch", headers, payload });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ accepted: 1 });
    expect(published).toHaveLength(1);
  });

  it("answers a body that is not JSON with a 400 that names the declared type", async () => {
    const { app, published } = setupApp();
    const response = await app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "batch=%5B%5D",
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: "invalid_json" });
    expect(response.json().error.message).toContain('declared "application/x-www-form-urlencoded"');
    expect(published).toHaveLength(0);
  });

  it("does not name a JSON type it was told", async () => {
    const { app } = setupApp();
    const response = await app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { "content-type": "application/json" },
      payload: "{nope",
    });
    expect(response.json().error.message).not.toContain("declared");
  });
});
