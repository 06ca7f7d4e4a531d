import type { FastifyInstance } from "fastify";

/**
 * The standard hardening headers for a JSON API: nothing here is ever a page, so nothing may sniff,
 * frame, embed or cache it, and no referrer leaks from it. HSTS only when configured, because TLS
 * usually ends at a proxy that may set its own.
 */
function securityHeaders(hstsMaxAgeSeconds: number): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "cache-control": "no-store",
    ...(hstsMaxAgeSeconds > 0
      ? { "strict-transport-security": `max-age=${hstsMaxAgeSeconds}; includeSubDomains` }
      : {}),
  };
}

export function registerSecurityHeaders(app: FastifyInstance, hstsMaxAgeSeconds: number): void {
  const headers = securityHeaders(hstsMaxAgeSeconds);
  app.addHook("onRequest", async (_request, reply) => {
    reply.headers(headers);
  });
}
