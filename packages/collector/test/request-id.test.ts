import { describe, expect, it } from "vitest";
import { validFixtures } from "./fixtures.js";
import { setupApp } from "./setup-app.js";
import { logCapture } from "./support/log-capture.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("request ids", () => {
  it("answer every request with X-Request-Id, a new UUID each time", async () => {
    const { app } = setupApp();
    const ok = await app.inject({ method: "POST", url: "/v1/batch", payload: { batch: [validFixtures[0]?.event] } });
    const health = await app.inject("/health");
    expect(ok.headers["x-request-id"]).toMatch(UUID);
    expect(health.headers["x-request-id"]).toMatch(UUID);
    expect(ok.headers["x-request-id"]).not.toBe(health.headers["x-request-id"]);
  });

  it("are in every error answer, equal to the header", async () => {
    const { app } = setupApp({ COLLECTOR_WRITE_KEYS: "wk=web" });
    for (const response of [
      await app.inject({ method: "POST", url: "/v1/batch", payload: { batch: [validFixtures[0]?.event] } }), // 401
      await app.inject({ method: "POST", url: "/v1/batch", headers: { "x-write-key": "wk" }, payload: "{" }), // 400
      await app.inject("/nowhere"), // 404
    ]) {
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.json().error.requestId).toMatch(UUID);
      expect(response.json().error.requestId).toBe(response.headers["x-request-id"]);
    }
  });

  it("take a proxy's X-Request-Id when it is safe to log, and replace one that is not", async () => {
    const { app } = setupApp();
    const given = await app.inject({ url: "/health", headers: { "x-request-id": "lb-7f3a.91:2" } });
    expect(given.headers["x-request-id"]).toBe("lb-7f3a.91:2");
    for (const unsafe of ["two words", "x".repeat(129), 'quote"d', "line\u2028break"]) {
      const replaced = await app.inject({ url: "/health", headers: { "x-request-id": unsafe } });
      expect(replaced.headers["x-request-id"]).toMatch(UUID);
    }
  });

  it("label the request's log lines, so an answer can be found in the logs", async () => {
    const capture = logCapture();
    const { app, failWith } = setupApp({}, { logger: { stream: capture.stream } });
    failWith(true);
    const response = await app.inject({
      method: "POST",
      url: "/v1/batch",
      payload: { batch: [validFixtures[0]?.event] },
    });
    expect(response.statusCode).toBe(503);
    const requestId = response.json().error.requestId;
    const line = capture.lines.map((l) => JSON.parse(l)).find((l) => l.msg === "publish failed");
    expect(line).toMatchObject({ requestId });
  });
});
