import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { decideHold, type HoldRequest } from "../src/core/hold.js";
import { verifySignature } from "../src/core/signature.js";
import { startLocalShop } from "../src/io/local-shop.js";
import { createWebhookClient } from "../src/io/webhook-client.js";
import { fraudAlert } from "./support/alerts.js";
import { startTestServer, type TestServer } from "./support/http.js";

const secret = "whsec_0123456789abcdef";
const requestFor = (overrides: Parameters<typeof fraudAlert>[0] = {}): HoldRequest => {
  const decision = decideHold(fraudAlert(overrides));
  if (decision.kind !== "hold") throw new Error("expected a hold");
  return decision.request;
};

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("the webhook client, against a real HTTP server", () => {
  it("POSTs the hold as JSON with the alert id as Idempotency-Key and a signature the shop can verify", async () => {
    server = await startTestServer(() => ({ status: 201 }));
    const request = requestFor();
    const client = createWebhookClient({ url: server.url, secret, timeoutMs: 2000 });
    expect(await client.send(request)).toEqual({ kind: "delivered", status: 201 });

    const [received] = server.requests;
    expect(received?.method).toBe("POST");
    expect(received?.path).toBe("/hooks/hold");
    expect(received?.headers["content-type"]).toBe("application/json");
    expect(received?.headers["idempotency-key"]).toBe(request.alertId);
    expect(JSON.parse(received?.body ?? "")).toEqual(request);
    const signature = received?.headers["shop-signature"] as string;
    expect(verifySignature(secret, signature, received?.body ?? "", Math.floor(Date.now() / 1000))).toEqual({
      ok: true,
    });
  });

  it("sends no signature header without a secret", async () => {
    server = await startTestServer(() => ({ status: 200 }));
    await createWebhookClient({ url: server.url, timeoutMs: 2000 }).send(requestFor());
    expect(server.requests[0]?.headers["shop-signature"]).toBeUndefined();
  });

  it("classifies 503 with Retry-After as retry, 422 as permanent, and does not follow redirects", async () => {
    const answers: Array<{ status: number; headers?: Record<string, string>; body?: string }> = [
      { status: 503, headers: { "retry-after": "3" }, body: "maintenance" },
      { status: 422, body: '{"error":"unknown order"}' },
      { status: 307, headers: { location: "http://127.0.0.1:1/elsewhere" } },
    ];
    server = await startTestServer((_request, index) => answers[index] ?? { status: 200 });
    const client = createWebhookClient({ url: server.url, timeoutMs: 2000 });
    expect(await client.send(requestFor())).toEqual({
      kind: "retry",
      status: 503,
      error: "HTTP 503: maintenance",
      retryAfterMs: 3000,
    });
    expect(await client.send(requestFor())).toEqual({
      kind: "permanent",
      status: 422,
      error: 'HTTP 422: {"error":"unknown order"}',
    });
    expect(await client.send(requestFor())).toMatchObject({ kind: "permanent", status: 307 });
    expect(server.requests).toHaveLength(3);
  });

  it("turns a refused connection and a timeout into retry results, never a throw", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await createWebhookClient({ url: `http://127.0.0.1:${port}/`, timeoutMs: 2000 }).send(requestFor());
    expect(refused).toMatchObject({ kind: "retry" });
    expect(refused.kind === "retry" && refused.error).toContain("ECONNREFUSED");

    server = await startTestServer(() => "hang");
    const slow = await createWebhookClient({ url: server.url, timeoutMs: 200 }).send(requestFor());
    expect(slow).toMatchObject({ kind: "retry" });
    expect(slow.kind === "retry" && slow.error).toContain("timeout");
  });
});

describe("the built-in local shop", () => {
  it("places one hold per Idempotency-Key and prints one line per request", async () => {
    const lines: string[] = [];
    const shop = await startLocalShop({ print: (line) => lines.push(line) });
    try {
      const client = createWebhookClient({ url: shop.url, timeoutMs: 2000 });
      const first = requestFor();
      const other = requestFor({ eventId: "evt-2", orderId: null, checkoutId: "checkout-9" });
      expect(await client.send(first)).toEqual({ kind: "delivered", status: 201 });
      expect(await client.send(first)).toEqual({ kind: "delivered", status: 200 });
      expect(await client.send(other)).toEqual({ kind: "delivered", status: 201 });
      expect(lines).toEqual([
        `[local shop] hold placed alert=${first.alertId} order=order-1 score=87.5 reasons=card_testing.distinct_cards,velocity.orders`,
        `[local shop] duplicate ignored alert=${first.alertId} order=order-1 score=87.5 reasons=card_testing.distinct_cards,velocity.orders`,
        `[local shop] hold placed alert=${other.alertId} checkout=checkout-9 score=87.5 reasons=card_testing.distinct_cards,velocity.orders`,
      ]);
      expect(shop.stats).toEqual({ placed: 2, duplicates: 1, rejected: 0 });
    } finally {
      await shop.close();
    }
  });

  it("with a secret, refuses unsigned or wrongly signed requests (401: permanent for the sender)", async () => {
    const lines: string[] = [];
    const shop = await startLocalShop({ secret, print: (line) => lines.push(line) });
    try {
      const request = requestFor();
      expect(await createWebhookClient({ url: shop.url, timeoutMs: 2000 }).send(request)).toMatchObject({
        kind: "permanent",
        status: 401,
      });
      expect(
        await createWebhookClient({ url: shop.url, secret: "another-secret-00000", timeoutMs: 2000 }).send(request),
      ).toMatchObject({ kind: "permanent", status: 401 });
      expect(await createWebhookClient({ url: shop.url, secret, timeoutMs: 2000 }).send(request)).toEqual({
        kind: "delivered",
        status: 201,
      });
      expect(lines).toEqual([
        "[local shop] rejected 401: signature missing",
        "[local shop] rejected 401: signature mismatch",
        expect.stringContaining("hold placed"),
      ]);
    } finally {
      await shop.close();
    }
  });

  it("requires the Idempotency-Key and answers 404 elsewhere", async () => {
    const shop = await startLocalShop({ print: () => undefined });
    try {
      const noKey = await fetch(shop.url, { method: "POST", body: "{}" });
      expect(noKey.status).toBe(400);
      const elsewhere = await fetch(shop.url.replace("/holds", "/other"), { method: "POST", body: "{}" });
      expect(elsewhere.status).toBe(404);
    } finally {
      await shop.close();
    }
  });
});
