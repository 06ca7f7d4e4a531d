import {
  BatchEnvelope,
  COLLECTED_EVENT_VERSION,
  type DeadLetter,
  type EventType,
  eventTypes,
  redactCardNumbers,
} from "@shop/event-schema";
import type { EventValidator } from "@shop/event-schema/validate";
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import type { CollectorConfig } from "../config.js";
import { collectorFor } from "../enrich/collect.js";
import { createUserAgentCache } from "../enrich/user-agent.js";
import { utf8BytesOver } from "../enrich/utf8-size.js";
import type { WriteKeyRing } from "../keys/write-key-ring.js";
import type { CollectorMetrics } from "../metrics/collector-metrics.js";
import type { EventPublisher, PublishRecord } from "../publish/publisher.js";
import { createAdmission } from "./admission.js";
import { CollectorError } from "./errors.js";
import type { OriginPolicy } from "./origins.js";
import { IngestResponse, type Rejection } from "./responses.js";

interface IngestDeps {
  config: CollectorConfig;
  writeKeys: WriteKeyRing;
  publisher: EventPublisher;
  validate: EventValidator;
  metrics: CollectorMetrics;
  originPolicy: OriginPolicy;
  /** Run in order before the body is read: the per-IP rate limit, the concurrency gate. */
  beforeBody: onRequestAsyncHookHandler[];
}

const MAX_BATCH_EVENTS = BatchEnvelope.properties.batch.maxItems ?? 2500;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

const messageIdOf = (event: unknown) =>
  isObject(event) && typeof event.messageId === "string" ? event.messageId : undefined;

/** Partition by shopper so Spark sees one person's events in order. */
const partitionKey = (event: Record<string, unknown>) =>
  (typeof event.anonymousId === "string" && event.anonymousId) ||
  (typeof event.userId === "string" && event.userId) ||
  null;

export function registerIngestRoutes(
  app: FastifyInstance,
  { config, writeKeys, publisher, validate, metrics, originPolicy, beforeBody }: IngestDeps,
): void {
  const admit = createAdmission({
    writeKeys,
    originPolicy,
    writeKeyRateLimit: config.writeKeyRateLimit,
    maxClients: config.rateLimitMaxClients,
  });
  const classifyUserAgent = createUserAgentCache();

  async function ingest(request: FastifyRequest, events: unknown[], batchSentAt: string | undefined) {
    const sourceId = admit(request, events.length);
    const receivedAtMs = Date.now();
    const receivedAt = new Date(receivedAtMs).toISOString();
    const records: PublishRecord[] = [];
    const rejected: Rejection[] = [];
    // Record size (string length, near enough) for the in-flight gauge when the publisher has no stats.
    let bytes = 0;

    const deadLetter = (index: number, candidate: unknown, rejection: Omit<Rejection, "index" | "messageId">) => {
      // A card number must not outlive the request: for pan_detected, the dead letter keeps the event
      // with every card number masked, and the answer, the record key and the reason are taken from
      // that copy too (a messageId or a key in the path could be the number itself).
      const pan = rejection.code === "pan_detected";
      const original = pan ? redactCardNumbers(candidate) : candidate;
      const reason = pan ? (redactCardNumbers(rejection) as typeof rejection) : rejection;
      const messageId = messageIdOf(original);
      rejected.push({ index, ...(messageId ? { messageId } : {}), ...reason });
      const letter: DeadLetter = {
        v: COLLECTED_EVENT_VERSION,
        stage: "collector",
        reason,
        receivedAt,
        ...(sourceId ? { sourceId } : {}),
        original,
      };
      const value = JSON.stringify(letter);
      bytes += value.length;
      records.push({ topic: config.invalidTopic, key: messageId ?? null, value });
    };

    const collect = collectorFor({
      receivedAtMs,
      clientIp: request.ip,
      sourceId,
      trustSentIp: sourceId !== undefined && config.serverSources.has(sourceId),
      batchSentAt,
      maxClockSkewMs: config.maxClockSkewMs,
      classifyUserAgent,
      countryOf: config.geoIp?.country,
    });
    for (let index = 0; index < events.length; index++) {
      const candidate = events[index];
      const validation = validate(candidate);
      if (!validation.ok) {
        deadLetter(index, candidate, validation.rejection);
        continue;
      }
      const { value, eventJson } = collect(validation.event);
      const size = utf8BytesOver(eventJson, config.maxEventBytes);
      if (size !== undefined) {
        deadLetter(index, candidate, {
          code: "event_too_large",
          message: `event is ${size} bytes; the limit is ${config.maxEventBytes}`,
        });
        continue;
      }
      bytes += value.length;
      records.push({ topic: config.rawTopic, key: partitionKey(validation.event), value });
    }

    try {
      await metrics.timePublish(bytes, () => publisher.publish(records));
    } catch (error) {
      request.log.warn({ err: error }, "publish failed");
      // An overloaded publisher says how soon to come back; otherwise the default applies.
      const retryAfterSeconds = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
      throw new CollectorError("kafka_unavailable", undefined, undefined, {
        cause: error,
        ...(typeof retryAfterSeconds === "number" ? { retryAfterSeconds } : {}),
      });
    }
    // Counted once Kafka has the records: a 503 is retried, and would count them twice.
    const accepted = events.length - rejected.length;
    metrics.requestIngested(events.length, request.bodyWireBytes);
    metrics.eventsAccepted(accepted, sourceId);
    for (const rejection of rejected) metrics.eventRejected(rejection.code, sourceId);
    return { success: true as const, accepted, rejected };
  }

  const routeOptions = {
    schema: { response: { 200: IngestResponse } },
    ...(beforeBody.length > 0 ? { onRequest: beforeBody } : {}),
  };

  app.post("/v1/batch", routeOptions, async (request) => {
    const body = request.body;
    if (!isObject(body) || !Array.isArray(body.batch) || body.batch.length === 0) {
      throw new CollectorError("invalid_body", 'expected { "batch": [ ...events ] } with at least one event');
    }
    if (body.batch.length > MAX_BATCH_EVENTS) {
      throw new CollectorError("invalid_body", `a batch holds at most ${MAX_BATCH_EVENTS} events`);
    }
    const batchSentAt = typeof body.sentAt === "string" ? body.sentAt : undefined;
    const result = await ingest(request, body.batch, batchSentAt);
    if (result.accepted === 0) {
      throw new CollectorError("no_valid_events", undefined, { rejected: result.rejected });
    }
    return result;
  });

  for (const type of eventTypes) {
    app.post(`/v1/${type}`, routeOptions, async (request) => {
      if (!isObject(request.body)) throw new CollectorError("invalid_body", "expected one event as a JSON object");
      // Segment's per-type endpoints imply the type; a conflicting one in the body loses.
      const event = { ...request.body, type: type satisfies EventType };
      const result = await ingest(request, [event], undefined);
      if (result.accepted === 0)
        throw new CollectorError("no_valid_events", result.rejected[0]?.message, { rejected: result.rejected });
      return result;
    });
  }
}
