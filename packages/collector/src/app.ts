import { createEventValidator } from "@shop/event-schema/validate";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { CollectorConfig } from "./config.js";
import { registerCors } from "./http/cors.js";
import { CollectorError, type CollectorErrorCode, collectorErrors, errorBody } from "./http/errors.js";
import { registerIngestRoutes } from "./http/ingest.js";
import type { EventPublisher } from "./publish/publisher.js";

export interface BuildAppOptions {
  config: CollectorConfig;
  publisher: EventPublisher;
  logger?: FastifyServerOptions["logger"];
}

/** Fastify's own error codes we answer as client errors, each with our code. */
const fastifyClientErrors: Record<string, CollectorErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_CTP_EMPTY_JSON_BODY: "invalid_json",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "invalid_body",
};

/** Builds the collector without listening, so tests can `inject` requests or listen on port 0. */
export function buildApp({ config, publisher, logger = false }: BuildAppOptions): FastifyInstance {
  const app = Fastify({
    logger,
    bodyLimit: config.maxBatchBytes,
    trustProxy: config.trustProxy,
    // Fastify's JSON parser (secure-json-parse) rejects __proto__ and constructor.prototype keys.
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
  });

  // sendBeacon can only send CORS-simple requests, so the SDK posts JSON as text/plain.
  app.addContentTypeParser("text/plain", { parseAs: "string" }, app.getDefaultJsonParser("error", "error"));

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
    if (error instanceof CollectorError) {
      if (error.statusCode === 503) reply.header("retry-after", "5");
      return reply.status(error.statusCode).send(errorBody(error.code, error.message, error.details));
    }
    const mapped = error.code ? fastifyClientErrors[error.code] : undefined;
    if (mapped) return reply.status(collectorErrors[mapped].status).send(errorBody(mapped, error.message));
    if (
      error instanceof SyntaxError ||
      (error.statusCode === 400 && /JSON|prototype|constructor/i.test(error.message))
    ) {
      return reply.status(400).send(errorBody("invalid_json", error.message));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(errorBody("invalid_request", error.message));
    }
    request.log.error({ err: error }, "unhandled error");
    return reply.status(500).send(errorBody("internal", collectorErrors.internal.message));
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.status(404).send(errorBody("not_found", collectorErrors.not_found.message)),
  );

  registerCors(app, config.corsOrigins);
  app.get("/health", async () => ({ status: "ok" }));
  app.get("/ready", async (_request, reply) => {
    const ready = await publisher.isReady();
    return reply.status(ready ? 200 : 503).send({ status: ready ? "ready" : "kafka_unreachable" });
  });

  registerIngestRoutes(app, { config, publisher, validate: createEventValidator() });
  return app;
}
