import type { DeviceType } from "@shop/event-schema";

/**
 * A small user-agent classifier: browser family and major version, OS family, device type and a bot
 * flag. Deliberately coarse (full parsers are large and the popular one is AGPL since v2); results
 * are cached because a site sees few distinct user agents.
 */
export interface UserAgentInfo {
  browser?: string;
  browserVersion?: string;
  os?: string;
  deviceType: DeviceType;
  isBot: boolean;
}

const BOT =
  /bot|crawl|spider|slurp|headless|lighthouse|preview|monitor|curl\/|wget\/|python-requests|httpclient|facebookexternalhit/i;
const BROWSERS: Array<[string, RegExp]> = [
  ["Edge", /Edg(?:e|A|iOS)?\/(\d+)/],
  ["Opera", /OPR\/(\d+)/],
  ["Samsung Internet", /SamsungBrowser\/(\d+)/],
  ["Chrome", /(?:Chrome|CriOS)\/(\d+)/],
  ["Firefox", /(?:Firefox|FxiOS)\/(\d+)/],
  ["Safari", /Version\/(\d+).*Safari\//],
];
const SYSTEMS: Array<[string, RegExp]> = [
  ["iOS", /iPhone|iPad|iPod/],
  ["Android", /Android/],
  ["Windows", /Windows/],
  ["macOS", /Mac OS X|Macintosh/],
  ["ChromeOS", /CrOS/],
  ["Linux", /Linux/],
];

export function classifyUserAgent(ua: string): UserAgentInfo {
  if (BOT.test(ua)) return { deviceType: "bot", isBot: true };
  const info: UserAgentInfo = { deviceType: "other", isBot: false };
  for (const [name, pattern] of BROWSERS) {
    const match = pattern.exec(ua);
    if (match) {
      info.browser = name;
      if (match[1]) info.browserVersion = match[1];
      break;
    }
  }
  const os = SYSTEMS.find(([, pattern]) => pattern.test(ua));
  if (os) info.os = os[0];
  if (/iPad|Tablet/.test(ua) || (/Android/.test(ua) && !/Mobile/.test(ua))) info.deviceType = "tablet";
  else if (/Mobi|iPhone|iPod/.test(ua)) info.deviceType = "mobile";
  else if (info.os) info.deviceType = "desktop";
  return info;
}

export function createUserAgentCache(maxEntries = 5000): (ua: string | undefined) => UserAgentInfo | undefined {
  const cache = new Map<string, UserAgentInfo>();
  return (ua) => {
    if (!ua) return undefined;
    let info = cache.get(ua);
    if (!info) {
      info = classifyUserAgent(ua);
      // Crude but bounded: a flood of unique user agents must not grow memory without limit.
      if (cache.size >= maxEntries) cache.clear();
      cache.set(ua, info);
    }
    return info;
  };
}
