import { FraudAlert } from "../alerts/fraud-alert.js";
import { LiveMetrics } from "../analytics/live-metrics.js";
import { CollectedEvent, DeadLetter } from "../collected.js";
import { trackEventType } from "../events/values.js";
import { TypedTrackEvents } from "../wire/ecommerce.js";
import { BatchEnvelope, eventSchemasByType, eventTypes } from "../wire/events.js";
import { GENERATED_NOTICE } from "./header.js";

const DRAFT = "http://json-schema.org/draft-07/schema#";

/** TypeBox schemas are JSON Schema; a JSON round trip drops its symbol metadata and our $ids. */
function plain(schema: object): Record<string, unknown> {
  const { $id: _id, ...rest } = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  return rest;
}

/** One document describing a wire event, for any consumer that is not TypeScript (Python tests, other clients). */
export function wireEventJsonSchema(): Record<string, unknown> {
  const definitions: Record<string, unknown> = {};
  for (const type of eventTypes) definitions[`${type}Event`] = plain(eventSchemasByType[type]);
  const trackRules = Object.entries(TypedTrackEvents).map(([name, schema]) => ({
    if: { properties: { type: { const: trackEventType }, event: { const: name } }, required: ["type", "event"] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable.
    then: { properties: { properties: plain(schema) } },
  }));
  return {
    $schema: DRAFT,
    $comment: GENERATED_NOTICE,
    title: "Shop Analytics wire event (Segment Tracking API v1 + E-commerce v2)",
    definitions,
    oneOf: eventTypes.map((type) => ({ $ref: `#/definitions/${type}Event` })),
    allOf: trackRules,
  };
}

export function standaloneJsonSchema(title: string, schema: object): Record<string, unknown> {
  return { $schema: DRAFT, $comment: GENERATED_NOTICE, title, ...plain(schema) };
}

export const jsonSchemaFiles = (): Record<string, unknown> => ({
  "json-schema/wire-event.json": wireEventJsonSchema(),
  "json-schema/batch.json": standaloneJsonSchema("POST /v1/batch body", BatchEnvelope),
  "json-schema/collected-event.json": standaloneJsonSchema("Kafka raw-topic record value", CollectedEvent),
  "json-schema/dead-letter.json": standaloneJsonSchema("Dead-letter record", DeadLetter),
  "json-schema/fraud-alert.json": standaloneJsonSchema("alerts.fraud record value", FraudAlert),
  "json-schema/live-metrics.json": standaloneJsonSchema("metrics.live record value", LiveMetrics),
});
