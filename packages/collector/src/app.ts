import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { createEventValidator } from "@shop/event-schema/validate";
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from "fastify";
import type { CollectorConfig } from "./config.js";
import { ipRateLimitHook } from "./http/admission.js";
import { registerBodyParser } from "./http/body-parser.js";
import { createConcurrencyGate } from "./http/concurrency-gate.js";
import { registerCors } from "./http/cors.js";
import { CollectorError, type CollectorErrorCode, collectorErrors, errorBody } from "./http/errors.js";
import { registerIngestRoutes } from "./http/ingest.js";
import { collectorLoggerOptions } from "./http/logging.js";
import { createOriginPolicy } from "./http/origins.js";
import { registerRequestIdHeader, requestIdOf } from "./http/request-id.js";
import { HealthResponse, ReadyResponse } from "./http/responses.js";
import { registerSecurityHeaders } from "./http/security-headers.js";
import { WriteKeyRing } from "./keys/write-key-ring.js";
import type { MetricsSource } from "./metrics/admin-server.js";
import { type CollectorMetrics, createCollectorMetrics } from "./metrics/collector-metrics.js";
import { registerMetrics, registryMetrics } from "./metrics/register-metrics.js";
import { buildOpenApiDocument } from "./openapi/document.js";
import type { EventPublisher } from "./publish/publisher.js";

export interface BuildAppOptions {
  config: CollectorConfig;
  publisher: EventPublisher;
  /**
   * `false` (the default) for no logs; `true` or pino options (e.g. a `stream`) for JSON logs. The
   * level (COLLECTOR_LOG_LEVEL), redaction and request serializer always come from the collector.
   */
  logger?: boolean | Exclude<FastifyServerOptions["logger"], boolean | undefined>;
  /** Metrics registry to use; by default the app makes its own, with Node process metrics. */
  metrics?: CollectorMetrics;
  /** What GET /metrics serves; by default `metrics`' own registry (a worker serves the whole cluster's). */
  metricsSource?: MetricsSource;
  /** The write keys in force (the server swaps them when the key file changes); by default config.writeKeys. */
  writeKeys?: WriteKeyRing;
}

/** Fastify's own error codes we answer as client errors, each with our code. */
const fastifyClientErrors: Record<string, CollectorErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_CTP_EMPTY_JSON_BODY: "invalid_json",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "invalid_body",
};

/** Seconds a client should wait after a 503 when the error does not say. */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (slow or malformed requests) are
 * answered on the socket directly, still as JSON like every other error.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const code: CollectorErrorCode =
    error.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? "request_timeout"
      : error.code === "HPE_HEADER_OVERFLOW"
        ? "headers_too_large"
        : "invalid_request";
  const { status, message } = collectorErrors[code];
  const body = JSON.stringify(errorBody(code, message));
  if (!socket.writable) {
    socket.destroy(error);
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The collector's metrics with Node process metrics, the publisher's figures and the configured sources. */
export function metricsFor(config: CollectorConfig, publisher: EventPublisher): CollectorMetrics {
  const stats = publisher.stats?.bind(publisher);
  return createCollectorMetrics({
    ...(stats ? { publisherStats: stats } : {}),
    sources: new Set(config.writeKeys.values()),
  });
}

/** Builds the collector without listening, so tests can `inject` requests or listen on port 0. */
export function buildApp({
  config,
  publisher,
  logger = false,
  metrics,
  metricsSource,
  writeKeys,
}: BuildAppOptions): FastifyInstance {
  const app = Fastify({
    logger:
      logger === false ? false : { ...(logger === true ? {} : logger), ...collectorLoggerOptions(config.logLevel) },
    logController: new LogController({ disableRequestLogging: !config.logRequests, requestIdLogLabel: "requestId" }),
    trustProxy: config.trustProxy,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    clientErrorHandler: answerClientError,
    genReqId: requestIdOf,
    // Node checks request timeouts only every connectionsCheckingInterval (30 s by default), and
    // headersTimeout (60 s by default) must not exceed requestTimeout: both follow our setting here.
    http: {
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(config.requestTimeoutMs / 4))),
    },
  });
  const collectorMetrics = metrics ?? metricsFor(config, publisher);

  registerBodyParser(app, { maxBodyBytes: config.maxBatchBytes, maxJsonDepth: config.maxJsonDepth });

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
    const answer = (code: CollectorErrorCode | string, status: number, message: string, details?: unknown) => {
      collectorMetrics.requestError(code);
      return reply.status(status).send(errorBody(code, message, details, request.id));
    };
    if (error instanceof CollectorError) {
      const retryAfter =
        error.retryAfterSeconds ?? (error.statusCode === 503 ? DEFAULT_RETRY_AFTER_SECONDS : undefined);
      if (retryAfter !== undefined) reply.header("retry-after", String(retryAfter));
      return answer(error.code, error.statusCode, error.message, error.details);
    }
    const mapped = error.code ? fastifyClientErrors[error.code] : undefined;
    if (mapped) return answer(mapped, collectorErrors[mapped].status, error.message);
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return answer("invalid_request", error.statusCode, error.message);
    }
    request.log.error({ err: error }, "unhandled error");
    return answer("internal", 500, collectorErrors.internal.message);
  });
  app.setNotFoundHandler((request, reply) => {
    collectorMetrics.requestError("not_found");
    return reply.status(404).send(errorBody("not_found", collectorErrors.not_found.message, undefined, request.id));
  });

  registerRequestIdHeader(app);
  registerSecurityHeaders(app, config.hstsMaxAgeSeconds);
  const originPolicy = createOriginPolicy(config.corsOrigins, config.sourceOrigins);
  registerCors(app, originPolicy);
  // With an admin port, /metrics is served there only (server.ts), never on the public port.
  registerMetrics(app, collectorMetrics, {
    serveRoute: config.adminPort === undefined,
    source: metricsSource ?? registryMetrics(collectorMetrics),
  });

  app.get("/health", { schema: { response: { 200: HealthResponse } } }, async () => ({ status: "ok" as const }));
  app.get("/ready", { schema: { response: { 200: ReadyResponse, 503: ReadyResponse } } }, async (_request, reply) => {
    const ready = await publisher.isReady();
    return reply.status(ready ? 200 : 503).send({ status: ready ? "ready" : "kafka_unreachable" });
  });
  const openApi = JSON.stringify(
    buildOpenApiDocument({ maxEventBytes: config.maxEventBytes, maxBatchBytes: config.maxBatchBytes }),
  );
  app.get("/openapi.json", async (_request, reply) => reply.type("application/json; charset=utf-8").send(openApi));

  const gate =
    config.maxInProgress > 0
      ? createConcurrencyGate({ maxInProgress: config.maxInProgress, maxWaitMs: config.maxQueueWaitMs })
      : undefined;
  if (gate) collectorMetrics.trackGate(gate.stats);
  registerIngestRoutes(app, {
    config,
    writeKeys: writeKeys ?? new WriteKeyRing(config.writeKeys),
    publisher,
    validate: createEventValidator(),
    metrics: collectorMetrics,
    originPolicy,
    beforeBody: [
      ...(config.ipRateLimit ? [ipRateLimitHook(config.ipRateLimit, config.rateLimitMaxClients)] : []),
      ...(gate ? [gate.hook] : []),
    ],
  });
  return app;
}
