import { isIPv4, isIPv6 } from "node:net";

/**
 * Anonymises an IP the way analytics tools usually do (and GDPR guidance accepts): the last IPv4
 * octet, and everything after the /48 of an IPv6 address, are zeroed. Returns undefined for non-IPs.
 */
export function anonymizeIp(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  const mapped = ip.startsWith("::ffff:") && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (isIPv4(mapped)) return mapped.replace(/\.\d+$/, ".0");
  if (isIPv6(mapped)) return `${expandIpv6(mapped).slice(0, 3).join(":")}::`;
  return undefined;
}

function expandIpv6(ip: string): string[] {
  const [head = "", tail = ""] = ip.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(Math.max(0, missing)).fill("0"), ...tailGroups].map(
    (g) => g.replace(/^0+(?=.)/, "") || "0",
  );
}
