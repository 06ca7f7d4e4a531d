import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { recordingPublisher } from "./recording-publisher.js";

let close: (() => Promise<unknown>) | undefined;
afterEach(async () => close?.());

function setup(env: Record<string, string> = {}) {
  const recorder = recordingPublisher();
  const app = buildApp({ config: loadConfig({ KAFKA_BROKERS: "127.0.0.1:1", ...env }), publisher: recorder.publisher });
  close = () => app.close();
  return { app, ...recorder };
}

const event = { type: "track", event: "Cart Viewed", messageId: "m-cors-1", anonymousId: "a" };

describe("CORS", () => {
  it("lets a page on any origin read the answer and its Retry-After by default", async () => {
    const { app, failWith } = setup();
    const ok = await app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { origin: "https://shop.example" },
      payload: { batch: [event] },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers["access-control-allow-origin"]).toBe("*");
    expect(ok.headers["access-control-expose-headers"]).toBe("Retry-After");
    failWith(true);
    const down = await app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { origin: "https://shop.example" },
      payload: { batch: [event] },
    });
    expect(down.statusCode).toBe(503);
    expect(down.headers["access-control-allow-origin"]).toBe("*");
  });

  it("answers a preflight with 204 and the methods and headers the SDK and Segment clients use", async () => {
    const { app, published } = setup({ COLLECTOR_CORS_ORIGINS: "https://shop.example" });
    const response = await app.inject({
      method: "OPTIONS",
      url: "/v1/batch",
      headers: { origin: "https://shop.example", "access-control-request-method": "POST" },
    });
    expect(response.statusCode).toBe(204);
    expect(response.headers).toMatchObject({
      "access-control-allow-origin": "https://shop.example",
      vary: "Origin",
      "access-control-allow-methods": "POST, GET, OPTIONS",
      "access-control-allow-headers": "Content-Type, Authorization, X-Write-Key",
    });
    expect(published).toHaveLength(0);
  });

  it("refuses events from an origin outside the allow-list with 403 and a JSON reason, and publishes nothing", async () => {
    const { app, published } = setup({ COLLECTOR_CORS_ORIGINS: "https://shop.example" });
    const response = await app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { origin: "https://evil.example" },
      payload: { batch: [event] },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ success: false, error: { code: "origin_not_allowed" } });
    expect(response.headers["access-control-allow-origin"]).toBeUndefined();
    expect(published).toHaveLength(0);
  });

  it("leaves server-to-server requests (no Origin header) alone", async () => {
    const { app } = setup({ COLLECTOR_CORS_ORIGINS: "https://shop.example" });
    const response = await app.inject({ method: "POST", url: "/v1/batch", payload: { batch: [event] } });
    expect(response.statusCode).toBe(200);
    expect(response.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("rejects a malformed allow-list at start-up", () => {
    expect(() => loadConfig({ COLLECTOR_CORS_ORIGINS: "shop.example/path" })).toThrow(ConfigError);
  });
});
