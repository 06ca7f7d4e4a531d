import { COLLECTED_EVENT_VERSION, type DeadLetter, type EventType, eventTypes } from "@shop/event-schema";
import type { EventValidator } from "@shop/event-schema/validate";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { CollectorConfig } from "../config.js";
import { collect } from "../enrich/collect.js";
import { createUserAgentCache } from "../enrich/user-agent.js";
import type { EventPublisher, PublishRecord } from "../publish/publisher.js";
import { CollectorError } from "./errors.js";
import { createWriteKeyResolver, writeKeyFrom } from "./write-key.js";

export interface Rejection {
  index: number;
  messageId?: string;
  code: string;
  message: string;
  path?: string;
}

interface IngestDeps {
  config: CollectorConfig;
  publisher: EventPublisher;
  validate: EventValidator;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

const messageIdOf = (event: unknown) =>
  isObject(event) && typeof event.messageId === "string" ? event.messageId : undefined;

/** Partition by shopper so Spark sees one person's events in order. */
const partitionKey = (event: Record<string, unknown>) =>
  (typeof event.anonymousId === "string" && event.anonymousId) ||
  (typeof event.userId === "string" && event.userId) ||
  null;

export function registerIngestRoutes(app: FastifyInstance, { config, publisher, validate }: IngestDeps): void {
  const resolveSource = createWriteKeyResolver(config.writeKeys);
  const classifyUserAgent = createUserAgentCache();

  async function ingest(request: FastifyRequest, events: unknown[], batchSentAt: string | undefined) {
    const sourceId = resolveSource(writeKeyFrom(request.headers, request.body));
    const receivedAtMs = Date.now();
    const receivedAt = new Date(receivedAtMs).toISOString();
    const records: PublishRecord[] = [];
    const rejected: Rejection[] = [];

    events.forEach((candidate, index) => {
      const size = Buffer.byteLength(JSON.stringify(candidate) ?? "");
      const validation =
        size > config.maxEventBytes
          ? ({
              ok: false,
              rejection: {
                code: "event_too_large",
                message: `event is ${size} bytes; the limit is ${config.maxEventBytes}`,
              },
            } as const)
          : validate(candidate);
      if (validation.ok) {
        const collected = collect(validation.event, {
          receivedAtMs,
          clientIp: request.ip,
          sourceId,
          batchSentAt,
          maxClockSkewMs: config.maxClockSkewMs,
          classifyUserAgent,
        });
        records.push({ topic: config.rawTopic, key: partitionKey(validation.event), value: JSON.stringify(collected) });
        return;
      }
      const messageId = messageIdOf(candidate);
      rejected.push({ index, ...(messageId ? { messageId } : {}), ...validation.rejection });
      const deadLetter: DeadLetter = {
        v: COLLECTED_EVENT_VERSION,
        stage: "collector",
        reason: validation.rejection,
        receivedAt,
        ...(sourceId ? { sourceId } : {}),
        original: candidate,
      };
      records.push({ topic: config.invalidTopic, key: messageId ?? null, value: JSON.stringify(deadLetter) });
    });

    try {
      await publisher.publish(records);
    } catch (error) {
      request.log.warn({ err: error }, "publish failed");
      throw new CollectorError("kafka_unavailable");
    }
    return { accepted: events.length - rejected.length, rejected };
  }

  app.post("/v1/batch", async (request, reply) => {
    const body = request.body;
    if (!isObject(body) || !Array.isArray(body.batch) || body.batch.length === 0) {
      throw new CollectorError("invalid_body", 'expected { "batch": [ ...events ] } with at least one event');
    }
    const batchSentAt = typeof body.sentAt === "string" ? body.sentAt : undefined;
    const result = await ingest(request, body.batch, batchSentAt);
    if (result.accepted === 0) {
      throw new CollectorError("no_valid_events", undefined, { rejected: result.rejected });
    }
    return reply.send({ success: true, ...result });
  });

  for (const type of eventTypes) {
    app.post(`/v1/${type}`, async (request, reply) => {
      if (!isObject(request.body)) throw new CollectorError("invalid_body", "expected one event as a JSON object");
      // Segment's per-type endpoints imply the type; a conflicting one in the body loses.
      const event = { ...request.body, type: type satisfies EventType };
      const result = await ingest(request, [event], undefined);
      if (result.accepted === 0)
        throw new CollectorError("no_valid_events", result.rejected[0]?.message, { rejected: result.rejected });
      return reply.send({ success: true, ...result });
    });
  }
}
