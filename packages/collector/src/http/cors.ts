import type { FastifyInstance } from "fastify";
import { CollectorError } from "./errors.js";
import type { OriginPolicy } from "./origins.js";

/**
 * CORS for shops on other origins. The SDK posts text/plain (a CORS-simple request, no preflight), but
 * the page can only read the answer, and Retry-After in it, when these headers are present. Answered
 * in a hook, before routing, so preflights never reach the ingest routes.
 *
 * Allow-lists can differ per source, but the source is only known once the write key is read (for
 * beacons, from the body). So this hook turns away origins that no list allows, and the ingest routes
 * check the origin against the resolved source's list (see admission.ts).
 */
export function registerCors(app: FastifyInstance, policy: OriginPolicy): void {
  app.addHook("onRequest", async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin) return;
    if (!policy.mayEverSend(origin)) throw new CollectorError("origin_not_allowed");
    reply.header("access-control-allow-origin", policy.allowsAny ? "*" : origin);
    if (!policy.allowsAny) reply.header("vary", "Origin");
    reply.header("access-control-expose-headers", "Retry-After");
    if (request.method === "OPTIONS") {
      reply.header("access-control-allow-methods", "POST, GET, OPTIONS");
      reply.header("access-control-allow-headers", "Content-Type, Content-Encoding, Authorization, X-Write-Key");
      reply.header("access-control-max-age", "600");
      return reply.code(204).send();
    }
  });
}
