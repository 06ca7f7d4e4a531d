import { isIP } from "node:net";

/**
 * The shopper's address as the backend sees it. Next.js hands route handlers no socket, only headers,
 * and `next start` fills X-Forwarded-For with the connection's address only when the request has none.
 * Each proxy appends the address it was reached from, so with `trustedHops` proxies in front of the shop
 * (a CDN, a load balancer) the shopper's address is that many entries from the right; entries further
 * left were written by the client and could say anything. With no proxy (0) the last entry is used:
 * the connection's address, unless the client sent the header itself; fine on a laptop, not in production.
 */
export function clientIp(forwardedFor: string | null, trustedHops: number): string | undefined {
  const hops = (forwardedFor ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter((h) => h !== "");
  const candidate = hops[hops.length - Math.max(trustedHops, 1)];
  if (!candidate) return undefined;
  const bare = candidate.startsWith("::ffff:") ? candidate.slice(7) : candidate;
  return isIP(bare) ? bare : undefined;
}
