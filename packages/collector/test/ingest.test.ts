import { describe, expect, it } from "vitest";
import { invalidFixtures, validFixtures } from "./fixtures.js";
import { basicAuth as basic, setupApp as setup } from "./setup-app.js";

describe("POST /v1/batch", () => {
  it("publishes every valid fixture to the raw topic keyed by shopper, enriched", async () => {
    const { app, published } = setup();
    const batch = validFixtures.map((f) => f.event);
    const response = await app.inject({
      method: "POST",
      url: "/v1/batch",
      payload: { batch, sentAt: new Date().toISOString() },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ success: true, accepted: batch.length, rejected: [] });
    expect(published.map((r) => r.topic)).toEqual(batch.map(() => "events.raw"));
    const first = JSON.parse(published[0]?.value ?? "{}");
    expect(first).toMatchObject({ v: 1, event: { messageId: batch[0]?.messageId } });
    expect(typeof first.receivedAt).toBe("string");
    expect(first.enrichment).toMatchObject({ browser: "Chrome", os: "Linux", deviceType: "desktop", isBot: false });
    expect(published[0]?.key).toBe("anon-fixture-1");
  });

  it("accepts the valid part of a batch and dead-letters the rest with reasons", async () => {
    const { app, published } = setup();
    const batch = [validFixtures[0]?.event, ...invalidFixtures.map((f) => f.event)];
    const response = await app.inject({ method: "POST", url: "/v1/batch", payload: { batch } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.accepted).toBe(1);
    expect(body.rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual(
      invalidFixtures.map((f, i) => [i + 1, f.expect.code]),
    );
    const deadLetters = published.filter((r) => r.topic === "events.invalid").map((r) => JSON.parse(r.value));
    expect(deadLetters).toHaveLength(invalidFixtures.length);
    expect(deadLetters[0]).toMatchObject({ stage: "collector", reason: { code: "not_an_object" }, original: "hello" });
  });

  it("answers 400 with reasons when nothing in the batch is valid, and still keeps the dead letters", async () => {
    const { app, published } = setup();
    const response = await app.inject({ method: "POST", url: "/v1/batch", payload: { batch: [{ type: "nope" }] } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("no_valid_events");
    expect(published).toHaveLength(1);
  });

  it("answers 503 with Retry-After, never 200, when Kafka does not acknowledge", async () => {
    const { app, failWith } = setup();
    failWith(true);
    const response = await app.inject({
      method: "POST",
      url: "/v1/batch",
      payload: { batch: [validFixtures[0]?.event] },
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers["retry-after"]).toBe("5");
    expect(response.json().error.code).toBe("kafka_unavailable");
  });

  it("accepts text/plain JSON bodies, as sent by navigator.sendBeacon", async () => {
    const { app } = setup();
    const response = await app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { "content-type": "text/plain;charset=UTF-8" },
      payload: JSON.stringify({ batch: [validFixtures[1]?.event] }),
    });
    expect(response.statusCode).toBe(200);
  });

  it.each([
    ["malformed JSON", "application/json", '{"batch": [', 400, "invalid_json"],
    ["prototype pollution", "application/json", '{"batch":[{"__proto__":{"x":1}}]}', 400, "invalid_json"],
    ["a body that is not JSON, whatever its type", "application/xml", "<batch/>", 400, "invalid_json"],
    ["empty batch", "application/json", '{"batch":[]}', 400, "invalid_body"],
  ])("rejects %s with a JSON reason", async (_name, contentType, payload, status, code) => {
    const { app } = setup();
    const response = await app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { "content-type": contentType },
      payload,
    });
    expect(response.statusCode).toBe(status);
    expect(response.json()).toMatchObject({ success: false, error: { code } });
  });

  it("answers 413 for a body over the batch limit", async () => {
    const { app } = setup({ COLLECTOR_MAX_BATCH_BYTES: "2048", COLLECTOR_MAX_EVENT_BYTES: "1024" });
    const payload = { batch: [{ ...validFixtures[0]?.event, properties: { pad: "x".repeat(4000) } }] };
    const response = await app.inject({ method: "POST", url: "/v1/batch", payload });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe("payload_too_large");
  });
});

describe("write keys", () => {
  const env = { COLLECTOR_WRITE_KEYS: "wk_live=web-shop" };
  const event = () => validFixtures[1]?.event;

  it("accepts the key as Basic auth user, header or body field, and tags the source", async () => {
    const { app, published } = setup(env);
    const viaBasic = await app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { authorization: basic("wk_live") },
      payload: { batch: [event()] },
    });
    const viaHeader = await app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { "x-write-key": "wk_live" },
      payload: { batch: [event()] },
    });
    const viaBody = await app.inject({
      method: "POST",
      url: "/v1/batch",
      payload: { batch: [event()], writeKey: "wk_live" },
    });
    expect([viaBasic.statusCode, viaHeader.statusCode, viaBody.statusCode]).toEqual([200, 200, 200]);
    expect(published.map((r) => JSON.parse(r.value).enrichment.sourceId)).toEqual(["web-shop", "web-shop", "web-shop"]);
  });

  it("refuses a missing or unknown key with 401", async () => {
    const { app, published } = setup(env);
    const missing = await app.inject({ method: "POST", url: "/v1/batch", payload: { batch: [event()] } });
    const unknown = await app.inject({
      method: "POST",
      url: "/v1/batch",
      headers: { authorization: basic("nope") },
      payload: { batch: [event()] },
    });
    expect([missing.json().error.code, unknown.json().error.code]).toEqual(["missing_write_key", "invalid_write_key"]);
    expect([missing.statusCode, unknown.statusCode]).toEqual([401, 401]);
    expect(published).toHaveLength(0);
  });
});

describe("single-event endpoints", () => {
  it("POST /v1/track takes the type from the path", async () => {
    const { app, published } = setup();
    const response = await app.inject({
      method: "POST",
      url: "/v1/track",
      payload: { event: "Product Viewed", messageId: "m-track-1", anonymousId: "a", properties: { product_id: "p" } },
    });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(published[0]?.value ?? "{}").event.type).toBe("track");
  });

  it("never publishes the raw client IP, only the anonymised one (a browser's claimed context.ip is ignored)", async () => {
    const { app, published } = setup();
    await app.inject({
      method: "POST",
      url: "/v1/page",
      remoteAddress: "198.51.100.77",
      payload: { messageId: "m-page-1", anonymousId: "a", context: { ip: "203.0.113.99" } },
    });
    const record = published[0]?.value ?? "";
    expect(record).not.toContain("203.0.113.99");
    expect(JSON.parse(record).enrichment.ipAnonymized).toBe("198.51.100.0");
  });
});

describe("health", () => {
  it("reports liveness and Kafka readiness", async () => {
    const { app, failWith } = setup();
    expect((await app.inject("/health")).statusCode).toBe(200);
    expect((await app.inject("/ready")).statusCode).toBe(200);
    failWith(true);
    expect((await app.inject("/ready")).statusCode).toBe(503);
  });
});
