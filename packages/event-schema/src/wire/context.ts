import { type Static, Type } from "@sinclair/typebox";

/**
 * The `context` object of the Segment Tracking API v1, with the fields our pipeline reads typed.
 * Unknown keys are kept (Segment clients send many), so every object here allows additional properties.
 */
const open = { additionalProperties: true } as const;
const optionalString = (maxLength = 2048) => Type.Optional(Type.String({ maxLength }));

export const LibraryContext = Type.Object(
  { name: Type.String({ maxLength: 100 }), version: Type.String({ maxLength: 50 }) },
  open,
);

export const PageContext = Type.Object(
  {
    url: optionalString(),
    path: optionalString(),
    referrer: optionalString(),
    title: optionalString(1000),
    search: optionalString(),
  },
  open,
);

/** UTM parameters; Segment calls the campaign name `name`, analysts call it `utm_campaign`. */
export const CampaignContext = Type.Object(
  {
    source: optionalString(500),
    medium: optionalString(500),
    name: optionalString(500),
    term: optionalString(500),
    content: optionalString(500),
  },
  open,
);

/**
 * Our extension to Segment's context: the SDK's session and a per-session sequence number, so the
 * pipeline can detect gaps and order events even when clocks lie.
 */
export const SessionContext = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100 }),
    seq: Type.Optional(Type.Integer({ minimum: 0 })),
    start: Type.Optional(Type.Boolean()),
  },
  open,
);

export const ScreenContext = Type.Object(
  {
    width: Type.Optional(Type.Number({ minimum: 0 })),
    height: Type.Optional(Type.Number({ minimum: 0 })),
    density: Type.Optional(Type.Number({ minimum: 0 })),
  },
  open,
);

export const EventContext = Type.Object(
  {
    library: Type.Optional(LibraryContext),
    page: Type.Optional(PageContext),
    campaign: Type.Optional(CampaignContext),
    session: Type.Optional(SessionContext),
    screen: Type.Optional(ScreenContext),
    locale: optionalString(50),
    timezone: optionalString(100),
    userAgent: optionalString(1000),
    ip: optionalString(64),
  },
  open,
);

export type LibraryContext = Static<typeof LibraryContext>;
export type PageContext = Static<typeof PageContext>;
export type CampaignContext = Static<typeof CampaignContext>;
export type SessionContext = Static<typeof SessionContext>;
export type EventContext = Static<typeof EventContext>;
