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
    const collect = collectorFor(facts());
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
    const collect = collectorFor(facts({ sourceId: undefined, clientIp: undefined }));
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
