import type { EventRejection } from "@shop/event-schema/validate";
import { type Static, Type } from "@sinclair/typebox";
import { collectorErrors } from "./errors.js";

/**
 * Every code an event can be rejected with, and what it means: the `code` of an answer's
 * `rejected[]`, of a dead letter's `reason` and the `reason` label of collector_events_rejected_total.
 * The contract's validator's codes plus the collector's own size check; the type keeps it complete.
 */
export const rejectionCodes = {
  not_an_object: "the item is not a JSON object",
  unknown_type: "`type` is missing or not an event type",
  schema_violation: "the event does not match its type's schema (or a typed track event's properties)",
  control_character:
    "a name or id (event, messageId, anonymousId, userId, name, category, groupId, previousId) holds a control character (C0, DEL or C1)",
  pan_detected:
    "properties, traits or context.traits carry a payment card number; the dead letter holds the event with every card number masked to its last 4 digits",
  event_too_large: "the event is over the size limit as published JSON",
} as const satisfies Record<EventRejection["code"] | "event_too_large", string>;
export type RejectionCode = keyof typeof rejectionCodes;
const rejectionCodeList = Object.keys(rejectionCodes) as RejectionCode[];

/**
 * The collector's response bodies. The ingest routes serialize with these (fast-json-stringify) and
 * the OpenAPI document publishes them, so the code and the document cannot drift apart.
 */
export const Rejection = Type.Object(
  {
    index: Type.Integer({ minimum: 0, description: "position of the event in the request's batch" }),
    messageId: Type.Optional(Type.String()),
    code: Type.String({
      enum: rejectionCodeList,
      description: rejectionCodeList.map((code) => `${code}: ${rejectionCodes[code]}`).join("; "),
    }),
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
        requestId: Type.Optional(
          Type.String({ description: "the id of this request in the collector's logs (also the X-Request-Id header)" }),
        ),
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
