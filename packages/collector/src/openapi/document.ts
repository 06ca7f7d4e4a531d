import { createRequire } from "node:module";
import { BatchEnvelope, EcommerceEvents, eventSchemasByType, eventTypes } from "@shop/event-schema";
import { ErrorResponse, HealthResponse, IngestResponse, ReadyResponse } from "../http/responses.js";

type JsonObject = Record<string, unknown>;

/** A TypeBox schema as plain JSON Schema: its Symbol-keyed metadata and `$id`s dropped. */
function plainSchema(schema: unknown): JsonObject {
  return JSON.parse(JSON.stringify(schema), (key, value) => (key === "$id" ? undefined : value)) as JsonObject;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const componentName = (type: string) => `${type[0]?.toUpperCase()}${type.slice(1)}Event`;
const ecommerceName = (eventName: string) => `Ecommerce.${eventName.replace(/[^A-Za-z0-9]/g, "")}`;

export interface OpenApiOptions {
  maxEventBytes: number;
  maxBatchBytes: number;
}

const jsonError = (description: string, retryAfter = false) => ({
  description,
  ...(retryAfter
    ? { headers: { "Retry-After": { description: "seconds to wait before retrying", schema: { type: "integer" } } } }
    : {}),
  content: { "application/json": { schema: ref("Error") } },
});

/**
 * The OpenAPI 3.1 document of the collector's HTTP API. Event schemas come from @shop/event-schema
 * and response schemas from the ones the routes serialize with, so it describes what the code does.
 */
export function buildOpenApiDocument({ maxEventBytes, maxBatchBytes }: OpenApiOptions): JsonObject {
  const version = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
  const schemas: Record<string, unknown> = {};
  for (const type of eventTypes) schemas[componentName(type)] = plainSchema(eventSchemasByType[type]);
  for (const [name, properties] of Object.entries(EcommerceEvents)) {
    schemas[ecommerceName(name)] = { ...plainSchema(properties), description: `properties of a "${name}" track event` };
  }

  // The batch as documented: any event type, told apart by `type`. Invalid items are not refused
  // with the request; they are dead-lettered and listed in `rejected`.
  const batch = plainSchema(BatchEnvelope) as { properties: { batch: JsonObject } };
  batch.properties.batch = {
    ...batch.properties.batch,
    items: {
      oneOf: eventTypes.map((type) => ref(componentName(type))),
      discriminator: {
        propertyName: "type",
        mapping: Object.fromEntries(eventTypes.map((type) => [type, `#/components/schemas/${componentName(type)}`])),
      },
    },
    description: `events, each at most ${maxEventBytes} bytes as JSON; invalid ones are dead-lettered and listed in rejected`,
  };
  schemas.Batch = batch;
  schemas.IngestResponse = plainSchema(IngestResponse);
  schemas.Error = plainSchema(ErrorResponse);

  const requestHeaders = [
    {
      name: "Content-Encoding",
      in: "header",
      required: false,
      description: `body compression; the decompressed body may be at most ${maxBatchBytes} bytes`,
      schema: { type: "string", enum: ["gzip", "deflate", "br", "identity"] },
    },
  ];
  const ingestResponses = {
    "200": {
      description:
        "every accepted event is in Kafka; rejected ones are in the dead-letter topic (one carrying a payment card number with the number masked)",
      content: { "application/json": { schema: ref("IngestResponse") } },
    },
    "400": jsonError("malformed, non-UTF-8 or too deeply nested JSON, wrong shape, or no valid event"),
    "401": jsonError("missing or unknown write key"),
    "403": jsonError("the Origin is not allowed for this write key's source"),
    "408": jsonError("the request was not received within the request timeout"),
    "413": jsonError(`the body is over ${maxBatchBytes} bytes, on the wire or decompressed`),
    "415": jsonError("the Content-Encoding is not one the collector decodes"),
    "429": jsonError("the client IP or the write key is over its rate limit", true),
    "503": jsonError("Kafka did not acknowledge in time; nothing may be assumed stored", true),
  };
  const body = (schema: unknown) => ({
    required: true,
    description: "JSON; text/plain is accepted for navigator.sendBeacon, which cannot send application/json",
    content: { "application/json": { schema }, "text/plain": { schema } },
  });
  const security = [{ writeKeyBasic: [] }, { writeKeyHeader: [] }, {}];

  const paths: Record<string, unknown> = {
    "/v1/batch": {
      post: {
        operationId: "batch",
        summary: "Send a batch of events (Segment Tracking API v1)",
        security,
        parameters: requestHeaders,
        requestBody: body(ref("Batch")),
        responses: ingestResponses,
      },
    },
  };
  for (const type of eventTypes) {
    // The path names the type, so the body may leave `type` out.
    const single = plainSchema(eventSchemasByType[type]) as { required?: string[] };
    single.required = (single.required ?? []).filter((field) => field !== "type");
    schemas[`${componentName(type)}Call`] = single;
    paths[`/v1/${type}`] = {
      post: {
        operationId: type,
        summary: `Send one ${type} event`,
        security,
        parameters: requestHeaders,
        requestBody: body(ref(`${componentName(type)}Call`)),
        responses: ingestResponses,
      },
    };
  }
  paths["/health"] = {
    get: {
      operationId: "health",
      summary: "Liveness: the process answers",
      responses: {
        "200": { description: "alive", content: { "application/json": { schema: plainSchema(HealthResponse) } } },
      },
    },
  };
  paths["/ready"] = {
    get: {
      operationId: "ready",
      summary: "Readiness: Kafka is reachable",
      responses: {
        "200": { description: "ready", content: { "application/json": { schema: plainSchema(ReadyResponse) } } },
        "503": {
          description: "Kafka unreachable",
          content: { "application/json": { schema: plainSchema(ReadyResponse) } },
        },
      },
    },
  };
  paths["/metrics"] = {
    get: {
      operationId: "metrics",
      summary: "Prometheus metrics (text exposition format)",
      responses: { "200": { description: "metrics", content: { "text/plain": { schema: { type: "string" } } } } },
    },
  };
  paths["/openapi.json"] = {
    get: {
      operationId: "openapi",
      summary: "This document",
      responses: {
        "200": { description: "OpenAPI 3.1 document", content: { "application/json": { schema: { type: "object" } } } },
      },
    },
  };

  return {
    openapi: "3.1.0",
    info: {
      title: "Shop Analytics collector",
      version,
      description:
        "Segment Tracking API v1 compatible event collector. A 200 means every accepted event is in Kafka (acks=all).",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    paths,
    components: {
      schemas,
      securitySchemes: {
        writeKeyBasic: { type: "http", scheme: "basic", description: "the write key as the user name, empty password" },
        writeKeyHeader: { type: "apiKey", in: "header", name: "X-Write-Key" },
      },
    },
  };
}
