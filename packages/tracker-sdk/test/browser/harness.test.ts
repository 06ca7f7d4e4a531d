import { launchChromium } from "@shop/chromium";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { describeTraffic } from "./support/deliveries.js";
import { type BrowserEnv, openEnv } from "./support/env.js";
import { distDir } from "./support/sdk-build.js";
import { htmlPage } from "./support/site-server.js";
import { waitUntil } from "./support/wait.js";

// Proves the harness itself with hand-written page code (no SDK): what the recording collector sees
// of a beacon sent while leaving, of scripted failures, and of an offline context.

let browser: Browser;
let env: BrowserEnv;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  env = await openEnv(browser, distDir); // these pages never load the SDK
});
afterEach(async () => {
  await env?.close();
});

const event = (messageId: string, extra: Record<string, unknown> = {}) => ({
  type: "track",
  event: "Harness Probe",
  messageId,
  anonymousId: "anon-1",
  timestamp: new Date().toISOString(),
  properties: { n: 1 },
  ...extra,
});

describe("harness", () => {
  it("records a sendBeacon fired on pagehide while the page leaves the site by a link", async () => {
    const body = JSON.stringify({ batch: [event("m-beacon")], sentAt: new Date().toISOString(), writeKey: "wk" });
    env.shop.page(
      "/",
      htmlPage({
        title: "shop",
        head: `<script>addEventListener("pagehide", () => navigator.sendBeacon(${JSON.stringify(
          `${env.collector.url}/v1/batch`,
        )}, ${JSON.stringify(body)}));</script>`,
        body: `<a id="away" href="${env.elsewhere.url}/">away</a>`,
      }),
    );
    env.elsewhere.page("/", htmlPage({ title: "elsewhere" }));
    const page = await env.newPage();
    await page.goto(`${env.shop.url}/`);
    await page.click("#away");
    await page.waitForURL(`${env.elsewhere.url}/`);

    await waitUntil(() => env.collector.arrivals().length > 0, { describe: () => describeTraffic(env.collector) });
    const [beacon, ...others] = env.collector.requests;
    expect(others).toEqual([]); // no preflight: a text/plain beacon is CORS-simple
    expect(beacon).toMatchObject({
      method: "POST",
      path: "/v1/batch",
      contentType: "text/plain;charset=UTF-8",
      secFetchMode: "no-cors",
      origin: env.shop.url,
      writeKey: "wk",
      outcome: { kind: "answered", status: 200 },
    });
    expect(env.collector.arrivals().map((a) => a.event.messageId)).toEqual(["m-beacon"]);
    expect(env.pageErrors).toEqual([]);
  });

  it("validates events with the contract and answers like the collector", async () => {
    env.shop.page("/", htmlPage({ title: "shop" }));
    const page = await env.newPage();
    await page.goto(`${env.shop.url}/`);
    const post = (url: string, body: unknown, contentType: string) =>
      page.evaluate(
        async ([url, body, contentType]) => {
          const response = await fetch(url, { method: "POST", body, headers: { "content-type": contentType } });
          return { status: response.status, body: await response.json() };
        },
        [url, JSON.stringify(body), contentType] as const,
      );
    const url = `${env.collector.url}/v1/batch`;

    const noIdentity = event("m-bad", { anonymousId: undefined });
    expect(await post(url, { batch: [noIdentity] }, "text/plain")).toMatchObject({
      status: 400,
      body: { success: false, error: { code: "no_valid_events" } },
    });
    expect(await post(url, { batch: [event("m-ok"), noIdentity] }, "application/json")).toMatchObject({
      status: 200,
      body: { success: true, accepted: 1, rejected: [{ index: 1 }] },
    });
    expect(await post(url, { batch: [event("m-form")] }, "application/x-www-form-urlencoded")).toMatchObject({
      status: 415,
    });
    expect(env.collector.arrivals().map((a) => a.event.messageId)).toEqual(["m-ok"]);
    // The application/json post needed a preflight; the text/plain ones did not.
    expect(env.collector.requests.filter((r) => r.method === "OPTIONS")).toHaveLength(1);
  });

  it("plays scripted failures: 503 with a readable Retry-After, then a closed socket, then normal service", async () => {
    env.shop.page("/", htmlPage({ title: "shop" }));
    const page = await env.newPage();
    await page.goto(`${env.shop.url}/`);
    // Chromium re-sends a request once, transparently, when a reused keep-alive connection closes
    // without an answer; the second close (on the fresh connection) is what the page sees.
    env.collector.script({ status: 503, retryAfterSeconds: 7 }, { closeSocket: true }, { closeSocket: true });
    const send = () =>
      page.evaluate(async (url) => {
        try {
          const body = JSON.stringify({
            batch: [{ type: "track", event: "x", messageId: crypto.randomUUID(), anonymousId: "a" }],
          });
          const response = await fetch(url, { method: "POST", body, headers: { "content-type": "text/plain" } });
          return { status: response.status, retryAfter: response.headers.get("retry-after") };
        } catch (error) {
          return { error: String(error) };
        }
      }, `${env.collector.url}/v1/batch`);

    expect(await send()).toEqual({ status: 503, retryAfter: "7" });
    expect(await send()).toMatchObject({ error: expect.stringContaining("Failed to fetch") });
    expect(await send()).toMatchObject({ status: 200 });

    env.collector.setOffline(true);
    expect(await send()).toMatchObject({ error: expect.stringContaining("Failed to fetch") });
    env.collector.setOffline(false);
    expect(await send()).toMatchObject({ status: 200 });
    expect(env.collector.arrivals()).toHaveLength(2);
    expect(env.collector.requests.map((r) => r.outcome)).toEqual([
      { kind: "answered", status: 503 },
      { kind: "socket-closed", reason: "scripted" },
      { kind: "socket-closed", reason: "scripted" },
      { kind: "answered", status: 200 },
      // nothing from the offline attempt: its connection was refused before a request
      { kind: "answered", status: 200 },
    ]);
  });

  it("an offline context reaches nothing and reports navigator.onLine = false", async () => {
    env.shop.page("/", htmlPage({ title: "shop" }));
    const page = await env.newPage();
    await page.goto(`${env.shop.url}/`);
    await env.context.setOffline(true);
    const offline = await page.evaluate(async (url) => {
      const result = await fetch(url, { method: "POST", body: "{}" }).then(
        () => "sent",
        () => "failed",
      );
      return { onLine: navigator.onLine, result, locks: typeof navigator.locks, idb: typeof indexedDB };
    }, `${env.collector.url}/v1/batch`);
    expect(offline).toEqual({ onLine: false, result: "failed", locks: "object", idb: "object" });
    expect(env.collector.requests).toEqual([]);
    await env.context.setOffline(false);
    expect(await page.evaluate(() => navigator.onLine)).toBe(true);
  });
});
