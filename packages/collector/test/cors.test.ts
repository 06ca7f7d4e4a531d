import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/config.js";
import { devConfig, setupApp as setup } from "./setup-app.js";

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
      "access-control-allow-headers": "Content-Type, Content-Encoding, Authorization, X-Write-Key",
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

  describe("per-source allow-lists", () => {
    const env = {
      COLLECTOR_WRITE_KEYS: "wk_web=web-shop,wk_admin=admin,wk_app=app",
      COLLECTOR_CORS_ORIGINS: "https://default.example",
      COLLECTOR_SOURCE_ORIGINS: "web-shop=https://shop.example|https://www.shop.example,admin=https://admin.example",
    };
    const send = (app: ReturnType<typeof setup>["app"], origin: string, writeKey: string) =>
      app.inject({
        method: "POST",
        url: "/v1/batch",
        headers: { origin, "content-type": "text/plain;charset=UTF-8" },
        payload: JSON.stringify({ batch: [event], writeKey }),
      });

    it("accepts each source's events only from its own origins, the key read from a beacon body", async () => {
      const { app, published } = setup(env);
      const own = await send(app, "https://www.shop.example", "wk_web");
      expect(own.statusCode).toBe(200);
      expect(own.headers["access-control-allow-origin"]).toBe("https://www.shop.example");
      const otherSources = await send(app, "https://admin.example", "wk_web");
      expect(otherSources.statusCode).toBe(403);
      expect(otherSources.json()).toMatchObject({ success: false, error: { code: "origin_not_allowed" } });
      expect((await send(app, "https://admin.example", "wk_admin")).statusCode).toBe(200);
      expect(published.map((r) => JSON.parse(r.value).enrichment.sourceId)).toEqual(["web-shop", "admin"]);
    });

    it("holds a source without its own list to COLLECTOR_CORS_ORIGINS", async () => {
      const { app } = setup(env);
      expect((await send(app, "https://default.example", "wk_app")).statusCode).toBe(200);
      expect((await send(app, "https://shop.example", "wk_app")).statusCode).toBe(403);
      expect((await send(app, "https://default.example", "wk_web")).statusCode).toBe(403);
    });

    it("answers preflights for any origin some source allows, and 403 for the rest", async () => {
      const { app } = setup(env);
      const preflight = (origin: string) =>
        app.inject({
          method: "OPTIONS",
          url: "/v1/batch",
          headers: { origin, "access-control-request-method": "POST" },
        });
      expect((await preflight("https://admin.example")).statusCode).toBe(204);
      expect((await preflight("https://default.example")).statusCode).toBe(204);
      const unknown = await preflight("https://evil.example");
      expect(unknown.statusCode).toBe(403);
      expect(unknown.json().error.code).toBe("origin_not_allowed");
    });

    it("rejects lists for sources no write key maps to, and malformed entries, at start-up", () => {
      expect(() => devConfig({ ...env, COLLECTOR_SOURCE_ORIGINS: "nobody=https://x.example" })).toThrow(
        /names source "nobody"/,
      );
      expect(() => devConfig({ ...env, COLLECTOR_SOURCE_ORIGINS: "web-shop=shop.example" })).toThrow(
        /must be \* or scheme/,
      );
      expect(() => devConfig({ ...env, COLLECTOR_SOURCE_ORIGINS: "web-shop" })).toThrow(/sourceId=origin/);
    });
  });

  it("rejects a malformed allow-list at start-up", () => {
    expect(() => devConfig({ COLLECTOR_CORS_ORIGINS: "shop.example/path" })).toThrow(ConfigError);
  });
});
