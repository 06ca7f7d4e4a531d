import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";

/** An id a proxy may hand us: short and plain, so it is safe in logs and headers. */
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = "x-request-id";

/**
 * Each request's id: the one a proxy in front set in X-Request-Id (so one id follows the request through
 * the proxy's logs and ours), when it is safe to log, else a random UUID, unique across processes and
 * restarts (Fastify's default counter restarts at req-1 in every process).
 */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === "string" && SAFE_ID.test(given) ? given : randomUUID();
}

/** Sends the id back on every answer, so a client can quote it. */
export function registerRequestIdHeader(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}
