import type { FastifyInstance } from "fastify";
import { CollectorError } from "./errors.js";

/**
 * CORS for shops on other origins. The SDK posts text/plain (a CORS-simple request, no preflight), but
 * the page can only read the answer, and Retry-After in it, when these headers are present. Answered
 * in a hook, before routing, so preflights never reach the ingest routes. `["*"]` allows any origin.
 */
export function registerCors(app: FastifyInstance, allowedOrigins: readonly string[]): void {
  const allowAll = allowedOrigins.includes("*");
  const allowed = new Set(allowedOrigins);

  app.addHook("onRequest", async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin) return;
    if (!allowAll && !allowed.has(origin)) throw new CollectorError("origin_not_allowed");
    reply.header("access-control-allow-origin", allowAll ? "*" : origin);
    if (!allowAll) reply.header("vary", "Origin");
    reply.header("access-control-expose-headers", "Retry-After");
    if (request.method === "OPTIONS") {
      reply.header("access-control-allow-methods", "POST, GET, OPTIONS");
      reply.header("access-control-allow-headers", "Content-Type, Authorization, X-Write-Key");
      reply.header("access-control-max-age", "600");
      return reply.code(204).send();
    }
  });
}
