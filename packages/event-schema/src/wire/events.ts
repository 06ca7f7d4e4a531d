import { type Static, type TObject, type TProperties, Type } from "@sinclair/typebox";
/**
 * The wire format: Segment Tracking API v1, so any Segment-compatible client can send to our collector.
 * https://segment.com/docs/connections/spec/common/
 */
import { type EventType, eventTypes } from "../events/values.js";
import { EventContext } from "./context.js";
import { UserTraits } from "./payments.js";

export { type EventType, eventTypes };

const IsoTimestamp = Type.String({ format: "date-time", maxLength: 64 });
const Identifier = Type.String({ minLength: 1, maxLength: 255 });
const JsonObject = Type.Record(Type.String(), Type.Unknown());

/** Fields every event type shares. */
const commonFields = {
  messageId: Type.String({ minLength: 1, maxLength: 100 }),
  anonymousId: Type.Optional(Identifier),
  userId: Type.Optional(Identifier),
  timestamp: Type.Optional(IsoTimestamp),
  originalTimestamp: Type.Optional(IsoTimestamp),
  sentAt: Type.Optional(IsoTimestamp),
  context: Type.Optional(EventContext),
  integrations: Type.Optional(JsonObject),
  /** sendBeacon cannot set headers, so the write key may ride in the body. */
  writeKey: Type.Optional(Type.String({ maxLength: 200 })),
};

/** Segment rejects an event with neither id; so do we. */
const needsAnIdentity = { anyOf: [{ required: ["anonymousId"] }, { required: ["userId"] }] };

function eventSchema<Kind extends EventType, Props extends TProperties>(type: Kind, fields: Props, id: string) {
  return Type.Object(
    { type: Type.Literal(type), ...commonFields, ...fields },
    { $id: id, additionalProperties: true, ...needsAnIdentity },
  );
}

export const TrackEvent = eventSchema(
  "track",
  { event: Type.String({ minLength: 1, maxLength: 200 }), properties: Type.Optional(JsonObject) },
  "TrackEvent",
);
export const PageEvent = eventSchema(
  "page",
  {
    name: Type.Optional(Type.String({ maxLength: 500 })),
    category: Type.Optional(Type.String({ maxLength: 500 })),
    properties: Type.Optional(JsonObject),
  },
  "PageEvent",
);
export const ScreenEvent = eventSchema(
  "screen",
  { name: Type.Optional(Type.String({ maxLength: 500 })), properties: Type.Optional(JsonObject) },
  "ScreenEvent",
);
export const IdentifyEvent = eventSchema("identify", { traits: Type.Optional(UserTraits) }, "IdentifyEvent");
export const GroupEvent = eventSchema(
  "group",
  { groupId: Identifier, traits: Type.Optional(JsonObject) },
  "GroupEvent",
);
export const AliasEvent = eventSchema("alias", { previousId: Identifier }, "AliasEvent");

export const eventSchemasByType = {
  track: TrackEvent,
  page: PageEvent,
  screen: ScreenEvent,
  identify: IdentifyEvent,
  group: GroupEvent,
  alias: AliasEvent,
} satisfies Record<EventType, TObject>;

/**
 * The strings that name or identify something, per event type: reports group and join on them, so a control
 * character (C0, DEL or C1: NUL, tab, newline, U+0085, ...) in one makes a second "Product Viewed" or a user
 * nobody can find. The validator refuses such events (`control_character`); free text elsewhere may hold them.
 */
export const identifyingFields = {
  track: ["messageId", "anonymousId", "userId", "event"],
  page: ["messageId", "anonymousId", "userId", "name", "category"],
  screen: ["messageId", "anonymousId", "userId", "name"],
  identify: ["messageId", "anonymousId", "userId"],
  group: ["messageId", "anonymousId", "userId", "groupId"],
  alias: ["messageId", "anonymousId", "userId", "previousId"],
} as const satisfies Record<EventType, readonly string[]>;

export type TrackEvent = Static<typeof TrackEvent>;
export type PageEvent = Static<typeof PageEvent>;
export type ScreenEvent = Static<typeof ScreenEvent>;
export type IdentifyEvent = Static<typeof IdentifyEvent>;
export type GroupEvent = Static<typeof GroupEvent>;
export type AliasEvent = Static<typeof AliasEvent>;
export type WireEvent = TrackEvent | PageEvent | ScreenEvent | IdentifyEvent | GroupEvent | AliasEvent;

/** `POST /v1/batch` body. Events are validated one by one so one bad event does not sink the batch. */
export const BatchEnvelope = Type.Object(
  {
    batch: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 2500 }),
    sentAt: Type.Optional(IsoTimestamp),
    context: Type.Optional(EventContext),
    integrations: Type.Optional(JsonObject),
    writeKey: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { $id: "BatchEnvelope", additionalProperties: true },
);
export type BatchEnvelope = Static<typeof BatchEnvelope>;
