import { describe, expect, it } from "vitest";
import { correctedEventTime } from "../src/enrich/event-time.js";
import { anonymizeIp } from "../src/enrich/ip.js";
import { classifyUserAgent } from "../src/enrich/user-agent.js";

const at = (iso: string) => Date.parse(iso);

describe("correctedEventTime", () => {
  const received = at("2026-11-28T12:00:10.000Z");
  const day = 24 * 3600 * 1000;

  it("shifts the client timestamp by the skew between sentAt and receivedAt", () => {
    // Client clock is 1 hour behind: it sent at 11:00:10 by its clock, we got it at 12:00:10.
    expect(correctedEventTime("2026-11-28T11:00:05.000Z", "2026-11-28T11:00:10.000Z", received, day)).toBe(
      at("2026-11-28T12:00:05.000Z"),
    );
  });
  it("uses the timestamp as is without sentAt", () => {
    expect(correctedEventTime("2026-11-28T11:59:00.000Z", undefined, received, day)).toBe(
      at("2026-11-28T11:59:00.000Z"),
    );
  });
  it("falls back to the receive time for missing, future or absurd timestamps", () => {
    expect(correctedEventTime(undefined, undefined, received, day)).toBe(received);
    expect(correctedEventTime("2026-11-28T13:00:00.000Z", undefined, received, day)).toBe(received);
    expect(correctedEventTime("1999-01-01T00:00:00.000Z", undefined, received, day)).toBe(received);
  });
});

describe("anonymizeIp", () => {
  it.each([
    ["203.0.113.99", "203.0.113.0"],
    ["::ffff:198.51.100.7", "198.51.100.0"],
    ["2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::"],
    ["2001:db8::1", "2001:db8:0::"],
    ["not-an-ip", undefined],
    [undefined, undefined],
  ])("%s → %s", (ip, expected) => {
    expect(anonymizeIp(ip)).toBe(expected);
  });
});

describe("classifyUserAgent", () => {
  it.each([
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
      { browser: "Edge", browserVersion: "126", os: "Windows", deviceType: "desktop", isBot: false },
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      { browser: "Safari", browserVersion: "17", os: "iOS", deviceType: "mobile", isBot: false },
    ],
    [
      "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Safari/537.36",
      { browser: "Chrome", os: "Android", deviceType: "tablet", isBot: false },
    ],
    ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", { deviceType: "bot", isBot: true }],
  ])("%s", (ua, expected) => {
    expect(classifyUserAgent(ua)).toMatchObject(expected);
  });
});
