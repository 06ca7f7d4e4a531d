import type { FastifyInstance } from "fastify";
import type { CollectorMetrics } from "./collector-metrics.js";

/** Counts every answered request by route (not URL, to bound label values) and serves GET /metrics unless told not to. */
export function registerMetrics(app: FastifyInstance, metrics: CollectorMetrics, { serveRoute = true } = {}): void {
  app.addHook("onResponse", async (request, reply) => {
    metrics.observeRequest(
      request.routeOptions.url ?? "unmatched",
      request.method,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  if (!serveRoute) return;
  app.get("/metrics", async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
}
