import type { FastifyInstance } from "fastify";
import type { MetricsSource } from "./admin-server.js";
import type { CollectorMetrics } from "./collector-metrics.js";

/** This process's own metrics, as the Prometheus text of its registry. */
export const registryMetrics =
  (metrics: CollectorMetrics): MetricsSource =>
  async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() });

/**
 * Counts every answered request by route (not URL, to bound label values) and, unless the admin port
 * serves them, answers GET /metrics from `source`.
 */
export function registerMetrics(
  app: FastifyInstance,
  metrics: CollectorMetrics,
  { serveRoute = true, source = registryMetrics(metrics) }: { serveRoute?: boolean; source?: MetricsSource } = {},
): void {
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
    const { contentType, body } = await source();
    return reply.type(contentType).send(body);
  });
}
