import type { WireEvent } from "@shop/event-schema";
import { describe, expect, it } from "vitest";
import { collectorFor, type RequestFacts } from "../src/enrich/collect.js";
import { createUserAgentCache } from "../src/enrich/user-agent.js";

const CHROME_LINUX =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";

const facts = (overrides: Partial<RequestFacts> = {}): RequestFacts => ({
  receivedAtMs: Date.parse("2026-11-29T12:00:10.000Z"),
  clientIp: "198.51.100.23",
  sourceId: "web",
  trustSentIp: false,
  batchSentAt: "2026-11-29T11:00:10.000Z",
  maxClockSkewMs: 24 * 3600 * 1000,
  classifyUserAgent: createUserAgentCache(),
  ...overrides,
});

const event = (overrides: Record<string, unknown> = {}) =>
  ({
    type: "track",
    event: "Product Viewed",
    messageId: "m-1",
    anonymousId: "a-1",
    timestamp: "2026-11-29T11:00:05.000Z",
    context: { userAgent: CHROME_LINUX },
    ...overrides,
  }) as WireEvent;

describe("collectorFor", () => {
  it("writes a CollectedEvent: receive time, skew-corrected event time, source, anonymised IP, user agent", () => {
    const record = collectorFor(facts())(event());
    expect(JSON.parse(record.value)).toEqual({
      v: 1,
      receivedAt: "2026-11-29T12:00:10.000Z",
      enrichment: {
        // The client clock is an hour behind (sentAt 11:00:10 arrived at 12:00:10).
        eventTs: "2026-11-29T12:00:05.000Z",
        sourceId: "web",
        ipAnonymized: "198.51.100.0",
        browser: "Chrome",
        browserVersion: "126",
        os: "Linux",
        deviceType: "desktop",
        isBot: false,
      },
      event: { ...event(), sentAt: "2026-11-29T11:00:10.000Z" },
    });
    expect(record.value).toContain(`"event":${record.eventJson}}`);
  });

  it("never publishes the client's raw IP or a write key, and keeps the event's own sentAt", () => {
    const collect = collectorFor(facts({ trustSentIp: true }));
    const record = collect(
      event({
        writeKey: "secret",
        sentAt: "2026-11-29T11:00:09.000Z",
        context: { userAgent: CHROME_LINUX, ip: "203.0.113.99" },
      }),
    );
    const parsed = JSON.parse(record.value);
    expect(parsed.event).not.toHaveProperty("writeKey");
    expect(parsed.event.context).toEqual({ userAgent: CHROME_LINUX });
    expect(parsed.event.sentAt).toBe("2026-11-29T11:00:09.000Z");
    expect(parsed.enrichment.ipAnonymized).toBe("203.0.113.0");
    expect(record.value).not.toContain("203.0.113.99");
    expect(record.value).not.toContain("secret");
  });

  it("gives each event of a request its own user agent and IP, whatever came before", () => {
    const collect = collectorFor(facts({ sourceId: undefined, clientIp: undefined, trustSentIp: true }));
    const outputs = [
      event({ context: { userAgent: CHROME_LINUX } }),
      event({ context: { userAgent: FIREFOX_WINDOWS, ip: "2001:db8:abcd:12::1" } }),
      event({ context: {} }),
      event({ context: { userAgent: CHROME_LINUX } }),
    ].map((e) => JSON.parse(collect(e).value).enrichment);
    expect(outputs.map((e) => [e.browser, e.os, e.ipAnonymized])).toEqual([
      ["Chrome", "Linux", undefined],
      ["Firefox", "Windows", "2001:db8:abcd::"],
      [undefined, undefined, undefined],
      ["Chrome", "Linux", undefined],
    ]);
    expect(outputs[2]).toEqual({ eventTs: "2026-11-29T12:00:05.000Z" });
  });
});

describe("collectorFor: geoCountry", () => {
  /** A stand-in lookup: two addresses of one /24 in different countries, as database blocks can be. */
  const countries: Record<string, string> = { "192.0.2.10": "DE", "192.0.2.20": "FR", "2001:db8:1::5": "NL" };
  const lookups: string[] = [];
  const countryOf = (ip: string | undefined) => {
    if (ip) lookups.push(ip);
    return ip === undefined ? undefined : countries[ip];
  };

  it("looks up the raw IP before anonymising it: a server source's context.ip first, else the connection's", () => {
    lookups.length = 0;
    const collect = collectorFor(facts({ clientIp: "192.0.2.10", countryOf, trustSentIp: true }));
    const enrichments = [
      event(),
      event({ context: { userAgent: CHROME_LINUX, ip: "192.0.2.20" } }),
      event({ context: { userAgent: CHROME_LINUX, ip: "192.0.2.20" } }),
      event({ context: { userAgent: CHROME_LINUX, ip: "2001:db8:1::5" } }),
      event({ context: { userAgent: CHROME_LINUX, ip: "192.0.2.99" } }),
      event(),
    ].map((e) => JSON.parse(collect(e).value).enrichment);
    expect(enrichments.map((e) => [e.ipAnonymized, e.geoCountry])).toEqual([
      ["192.0.2.0", "DE"],
      ["192.0.2.0", "FR"], // same anonymised IP, other country: the cached tail is not reused
      ["192.0.2.0", "FR"],
      ["2001:db8:1::", "NL"],
      ["192.0.2.0", undefined],
      ["192.0.2.0", "DE"],
    ]);
    // Once for the connection, once per distinct context.ip in a row.
    expect(lookups).toEqual(["192.0.2.10", "192.0.2.20", "2001:db8:1::5", "192.0.2.99"]);
  });

  it("ignores a browser source's context.ip: the connection's IP and country, and the claimed IP dropped", () => {
    lookups.length = 0;
    const collect = collectorFor(facts({ clientIp: "192.0.2.10", countryOf, trustSentIp: false }));
    const records = [event({ context: { userAgent: CHROME_LINUX, ip: "192.0.2.20" } }), event()].map(
      (e) => collect(e).value,
    );
    expect(records.map((value) => JSON.parse(value).enrichment).map((e) => [e.ipAnonymized, e.geoCountry])).toEqual([
      ["192.0.2.0", "DE"],
      ["192.0.2.0", "DE"],
    ]);
    expect(records[0]).not.toContain("192.0.2.20");
    expect(lookups).toEqual(["192.0.2.10"]);
  });

  it("keeps the record compact JSON.stringify output, the country last in the enrichment", () => {
    const collect = collectorFor(facts({ clientIp: "192.0.2.10", countryOf, trustSentIp: true }));
    for (const e of [event(), event({ context: {} }), event({ context: { ip: "192.0.2.20" } })]) {
      const { value } = collect(e);
      expect(value).toBe(JSON.stringify(JSON.parse(value)));
    }
    const { value } = collect(event());
    expect(value).toContain(',"deviceType":"desktop","isBot":false,"geoCountry":"DE"},"event":');
  });

  it("publishes no geoCountry when the lookup is off or finds nothing", () => {
    const off = JSON.parse(collectorFor(facts({ clientIp: "192.0.2.10" }))(event()).value);
    expect(off.enrichment).not.toHaveProperty("geoCountry");
    const unknown = JSON.parse(collectorFor(facts({ clientIp: "192.0.2.77", countryOf }))(event()).value);
    expect(unknown.enrichment).not.toHaveProperty("geoCountry");
    expect(unknown.enrichment.ipAnonymized).toBe("192.0.2.0");
  });
});

describe("campaign from the page", () => {
  const published = (context: Record<string, unknown>) =>
    JSON.parse(collectorFor(facts())(event({ context })).eventJson).context;

  it("fills context.campaign from page.search's utm_ parameters (Segment's names) when the client sent none", () => {
    const page = {
      url: "https://shop.example/p?utm_source=news&x=1",
      search:
        "?utm_source=news&utm_medium=email&utm_campaign=black%20friday&utm_term=red+shoes&utm_content=banner&utm_id=9",
    };
    expect(published({ page }).campaign).toEqual({
      source: "news",
      medium: "email",
      name: "black friday",
      term: "red shoes",
      content: "banner",
    });
  });

  it("reads page.url's query when there is no page.search, ignoring the fragment", () => {
    const page = { url: "https://shop.example/landing?utm_source=ads&utm_campaign=spring#utm_medium=x" };
    expect(published({ page }).campaign).toEqual({ source: "ads", name: "spring" });
  });

  it("keeps the client's own campaign, and adds none without utm_ parameters or a page", () => {
    const page = { url: "https://shop.example/?utm_source=news", search: "?utm_source=news" };
    expect(published({ page, campaign: { name: "winter" } }).campaign).toEqual({ name: "winter" });
    expect(published({ page: { url: "https://shop.example/?q=shoes", search: "?q=shoes" } }).campaign).toBeUndefined();
    expect(published({ page: { url: "https://shop.example/" } }).campaign).toBeUndefined();
    expect(published({ userAgent: CHROME_LINUX }).campaign).toBeUndefined();
  });

  it("caps each field at the contract's 500 characters", () => {
    const page = { search: `?utm_source=${"s".repeat(600)}` };
    expect(published({ page }).campaign.source).toHaveLength(500);
  });
});
