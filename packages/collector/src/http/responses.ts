import { type Static, Type } from "@sinclair/typebox";
import { collectorErrors } from "./errors.js";

/**
 * The collector's response bodies. The ingest routes serialize with these (fast-json-stringify) and
 * the OpenAPI document publishes them, so the code and the document cannot drift apart.
 */
export const Rejection = Type.Object(
  {
    index: Type.Integer({ minimum: 0, description: "position of the event in the request's batch" }),
    messageId: Type.Optional(Type.String()),
    code: Type.String({ description: "not_an_object, unknown_type, schema_violation or event_too_large" }),
    message: Type.String(),
    path: Type.Optional(Type.String({ description: "JSON pointer of the offending value" })),
  },
  { additionalProperties: false },
);
export type Rejection = Static<typeof Rejection>;

export const IngestResponse = Type.Object(
  {
    success: Type.Literal(true),
    accepted: Type.Integer({ minimum: 0, description: "events Kafka acknowledged on the raw topic" }),
    rejected: Type.Array(Rejection, { description: "events dead-lettered, with the reason" }),
  },
  { additionalProperties: false },
);
export type IngestResponse = Static<typeof IngestResponse>;

export const ErrorResponse = Type.Object(
  {
    success: Type.Literal(false),
    error: Type.Object(
      {
        code: Type.Union(
          (Object.keys(collectorErrors) as Array<keyof typeof collectorErrors>).map((code) => Type.Literal(code)),
        ),
        message: Type.String(),
        details: Type.Optional(Type.Unknown()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const HealthResponse = Type.Object({ status: Type.Literal("ok") }, { additionalProperties: false });
export const ReadyResponse = Type.Object(
  { status: Type.Union([Type.Literal("ready"), Type.Literal("kafka_unreachable")]) },
  { additionalProperties: false },
);
