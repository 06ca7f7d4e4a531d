import { type Static, Type } from "@sinclair/typebox";

/**
 * What the collector publishes to Kafka: the client's event untouched (except the raw IP, which never
 * leaves the collector), wrapped with what the server learned about it. Sinks and Spark read this.
 * `enrichment` is closed: a new enrichment field reaches the sink's readers before any collector
 * sends it (deploy consumers first).
 */
export const COLLECTED_EVENT_VERSION = 1;

const IsoTimestamp = Type.String({ format: "date-time" });

export const Enrichment = Type.Object(
  {
    /** Client clock corrected by the skew seen between `sentAt` and `receivedAt`, clamped. */
    eventTs: IsoTimestamp,
    sourceId: Type.Optional(Type.String()),
    ipAnonymized: Type.Optional(Type.String()),
    browser: Type.Optional(Type.String()),
    browserVersion: Type.Optional(Type.String()),
    os: Type.Optional(Type.String()),
    deviceType: Type.Optional(Type.String()),
    isBot: Type.Optional(Type.Boolean()),
    /** ISO 3166-1 alpha-2 country of the client IP, looked up before the IP is anonymised. */
    geoCountry: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type Enrichment = Static<typeof Enrichment>;

export const CollectedEvent = Type.Object(
  {
    v: Type.Literal(COLLECTED_EVENT_VERSION),
    receivedAt: IsoTimestamp,
    enrichment: Enrichment,
    /** A wire event that passed validation; typed loosely here so old records stay readable. */
    event: Type.Object(
      { type: Type.String(), messageId: Type.String({ minLength: 1 }) },
      { additionalProperties: true },
    ),
  },
  { $id: "CollectedEvent", additionalProperties: false },
);
export type CollectedEvent = Static<typeof CollectedEvent>;

/** Where in the pipeline a record was refused; also the dead-letter folder under `dead-letter/`. */
export const deadLetterStages = ["collector", "sink", "processing"] as const;
export type DeadLetterStage = (typeof deadLetterStages)[number];

/** A record that could not be accepted, with why; nothing accepted is ever silently dropped. */
export const DeadLetter = Type.Object(
  {
    v: Type.Literal(COLLECTED_EVENT_VERSION),
    stage: Type.Union(deadLetterStages.map((stage) => Type.Literal(stage))),
    reason: Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: true }),
    receivedAt: IsoTimestamp,
    sourceId: Type.Optional(Type.String()),
    /** The original event (or record text) exactly as received, for replay after a fix. */
    original: Type.Unknown(),
  },
  { $id: "DeadLetter", additionalProperties: false },
);
export type DeadLetter = Static<typeof DeadLetter>;
