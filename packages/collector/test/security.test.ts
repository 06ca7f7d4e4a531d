import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { validFixtures } from "./fixtures.js";
import { basicAuth, devConfig, setupApp } from "./setup-app.js";
import { logCapture } from "./support/log-capture.js";

describe("security headers", () => {
  it("sends the standard hardening headers on every answer, errors included", async () => {
    const { app } = setupApp();
    for (const response of [await app.inject("/health"), await app.inject("/nope")]) {
      expect(response.headers).toMatchObject({
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
        "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
        "cache-control": "no-store",
      });
      expect(response.headers["strict-transport-security"]).toBeUndefined();
    }
  });

  it("adds HSTS when configured", async () => {
    const { app } = setupApp({ COLLECTOR_HSTS_MAX_AGE_SECONDS: "31536000" });
    expect((await app.inject("/health")).headers["strict-transport-security"]).toBe(
      "max-age=31536000; includeSubDomains",
    );
  });
});

describe("logs", () => {
  const secrets = {
    writeKey: "wk_secret_live_1234",
    clientIp: "198.51.100.77",
    forwardedIp: "203.0.113.99",
    cookie: "session=abcdef0123456789",
    email: "shopper@example.com",
    trait: "Ada Lovelace",
  };

  it("are JSON lines without IPs, write keys, cookies, emails or traits, whatever the request does", async () => {
    const capture = logCapture();
    const { app, failWith } = setupApp(
      {
        COLLECTOR_WRITE_KEYS: `${secrets.writeKey}=web-shop`,
        COLLECTOR_LOG_LEVEL: "trace",
        COLLECTOR_LOG_REQUESTS: "true",
        COLLECTOR_TRUST_PROXY: secrets.clientIp,
      },
      { logger: { stream: capture.stream } },
    );
    const identify = {
      type: "identify",
      messageId: "m-pii-1",
      userId: "u-1",
      traits: { email: secrets.email, name: secrets.trait },
      context: { ip: secrets.forwardedIp, traits: { email: secrets.email } },
    };
    const headers = {
      authorization: basicAuth(secrets.writeKey),
      cookie: secrets.cookie,
      "x-forwarded-for": secrets.forwardedIp,
    };
    const send = (payload: Record<string, unknown>) =>
      app.inject({ method: "POST", url: "/v1/batch?email=x", remoteAddress: secrets.clientIp, headers, payload });
    expect((await send({ batch: [identify] })).statusCode).toBe(200);
    expect((await send({ batch: [{ ...identify, userId: 7 }] })).statusCode).toBe(400);
    failWith(true); // the publish failure is logged with its error
    expect((await send({ batch: [identify] })).statusCode).toBe(503);
    app.log.info({ event: identify, req: { headers } }, "an event someone logged by mistake");

    expect(capture.lines.length).toBeGreaterThanOrEqual(7);
    for (const line of capture.lines) expect(() => JSON.parse(line)).not.toThrow();
    const all = capture.lines.join("\n");
    for (const secret of Object.values(secrets)) expect(all).not.toContain(secret);
    expect(all).not.toContain("email=x"); // query strings are not logged either
    expect(all).toContain('"msg":"publish failed"');
    expect(all).toContain('"url":"/v1/batch"');
  });

  it("log no line per request unless asked to", async () => {
    const capture = logCapture();
    const { app } = setupApp({ COLLECTOR_LOG_LEVEL: "info" }, { logger: { stream: capture.stream } });
    await app.inject({ method: "POST", url: "/v1/batch", payload: { batch: [validFixtures[0]?.event] } });
    expect(capture.lines).toEqual([]);
  });
});

describe("timeouts", () => {
  it("answers a client that sends its body too slowly with a JSON 408 and closes the connection", async () => {
    const { app } = setupApp({ COLLECTOR_REQUEST_TIMEOUT_MS: "300" });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = app.server.address() as { port: number };
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      let received = "";
      socket.on("data", (chunk) => {
        received += String(chunk);
      });
      socket.on("close", () => resolve(received));
      socket.on("error", reject);
      // Headers and the start of a body, then nothing: a slow-loris client.
      socket.write(
        "POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
      );
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({
      success: false,
      error: { code: "request_timeout" },
    });
  });

  it("are applied to the HTTP server", () => {
    const { app } = setupApp({
      COLLECTOR_REQUEST_TIMEOUT_MS: "7000",
      COLLECTOR_CONNECTION_TIMEOUT_MS: "45000",
      COLLECTOR_KEEP_ALIVE_TIMEOUT_MS: "65000",
    });
    expect(app.server).toMatchObject({
      requestTimeout: 7000,
      headersTimeout: 7000,
      timeout: 45_000,
      keepAliveTimeout: 65_000,
    });
  });

  it("are validated at start-up: sockets must outlive a publish", () => {
    expect(() => devConfig({ COLLECTOR_CONNECTION_TIMEOUT_MS: "4000", COLLECTOR_PUBLISH_TIMEOUT_MS: "5000" })).toThrow(
      /COLLECTOR_CONNECTION_TIMEOUT_MS must be longer than COLLECTOR_PUBLISH_TIMEOUT_MS/,
    );
    expect(() => devConfig({ COLLECTOR_REQUEST_TIMEOUT_MS: "abc" })).toThrow(/COLLECTOR_REQUEST_TIMEOUT_MS must be/);
  });
});
