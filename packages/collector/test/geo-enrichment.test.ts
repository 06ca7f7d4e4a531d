import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { basicAuth, setupApp } from "./setup-app.js";

const maxmindTestFile = fileURLToPath(new URL("./fixtures/GeoIP2-Country-Test.mmdb", import.meta.url));

const page = (messageId: string, context: Record<string, unknown> = {}) => ({
  type: "page",
  messageId,
  anonymousId: "a-geo",
  context,
});

/** Sends one batch and returns the enrichment of each published record, in order. */
async function enrichments(
  env: Record<string, string>,
  batch: unknown[],
  request: { remoteAddress?: string; headers?: Record<string, string> } = {},
) {
  const { app, published } = setupApp(env);
  const response = await app.inject({ method: "POST", url: "/v1/batch", payload: { batch }, ...request });
  expect(response.statusCode).toBe(200);
  return published.map((record) => JSON.parse(record.value).enrichment as Record<string, unknown>);
}

describe("enrichment.geoCountry in the published record", () => {
  const sources = { COLLECTOR_WRITE_KEYS: "wk-web=web,wk-backend=backend", COLLECTOR_SERVER_SOURCES: "backend" };
  const batch = [page("g-1"), page("g-2", { ip: "193.0.14.129" }), page("g-3", { ip: "10.0.0.7" }), page("g-4")];

  it("comes from the connection's IP, or from context.ip when a server-side source sends one", async () => {
    const published = await enrichments(sources, batch, {
      remoteAddress: "8.8.8.8",
      headers: { authorization: basicAuth("wk-backend") },
    });
    expect(published.map((e) => [e.ipAnonymized, e.geoCountry])).toEqual([
      ["8.8.8.0", "US"],
      ["193.0.14.0", "NL"],
      ["10.0.0.0", undefined], // the event's own IP is the one that counts, even a private one
      ["8.8.8.0", "US"],
    ]);
  });

  it("ignores context.ip from a browser source (or with authentication off): it could claim any address", async () => {
    const expected = [
      ["8.8.8.0", "US"],
      ["8.8.8.0", "US"],
      ["8.8.8.0", "US"],
      ["8.8.8.0", "US"],
    ];
    const browser = await enrichments(sources, batch, {
      remoteAddress: "8.8.8.8",
      headers: { authorization: basicAuth("wk-web") },
    });
    expect(browser.map((e) => [e.ipAnonymized, e.geoCountry])).toEqual(expected);
    const unauthenticated = await enrichments({}, batch, { remoteAddress: "8.8.8.8" });
    expect(unauthenticated.map((e) => [e.ipAnonymized, e.geoCountry])).toEqual(expected);
  });

  it("takes X-Forwarded-For from a trusted proxy, and IPv4-mapped connection addresses", async () => {
    const forwarded = await enrichments({ COLLECTOR_TRUST_PROXY: "loopback" }, [page("g-5")], {
      remoteAddress: "127.0.0.1",
      headers: { "x-forwarded-for": "2001:12ff:0:4::6" },
    });
    expect(forwarded[0]).toMatchObject({ ipAnonymized: "2001:12ff:0::", geoCountry: "BR" });
    const mapped = await enrichments({}, [page("g-6")], { remoteAddress: "::ffff:200.160.0.8" });
    expect(mapped[0]).toMatchObject({ ipAnonymized: "200.160.0.0", geoCountry: "BR" });
  });

  it("is left out for loopback and private clients", async () => {
    const [loopback] = await enrichments({}, [page("g-7")]);
    expect(loopback?.ipAnonymized).toBe("127.0.0.0");
    expect(loopback).not.toHaveProperty("geoCountry");
    const [privateClient] = await enrichments({}, [page("g-8")], { remoteAddress: "192.168.1.20" });
    expect(privateClient).not.toHaveProperty("geoCountry");
  });

  it("is left out when COLLECTOR_GEOIP_DB=off", async () => {
    const [off] = await enrichments({ COLLECTOR_GEOIP_DB: "off" }, [page("g-9")], { remoteAddress: "8.8.8.8" });
    expect(off).toMatchObject({ ipAnonymized: "8.8.8.0" });
    expect(off).not.toHaveProperty("geoCountry");
  });

  it("comes from the database COLLECTOR_GEOIP_DB names, e.g. a MaxMind GeoIP2 Country file", async () => {
    const [maxmind] = await enrichments({ COLLECTOR_GEOIP_DB: maxmindTestFile }, [page("g-10")], {
      remoteAddress: "81.2.69.142",
    });
    expect(maxmind).toMatchObject({ ipAnonymized: "81.2.69.0", geoCountry: "GB" });
  });
});
