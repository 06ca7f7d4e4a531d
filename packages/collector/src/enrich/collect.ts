import { COLLECTED_EVENT_VERSION, type CollectedEvent, type WireEvent } from "@shop/event-schema";
import { correctedEventTime } from "./event-time.js";
import { anonymizeIp } from "./ip.js";
import type { UserAgentInfo } from "./user-agent.js";

export interface RequestFacts {
  receivedAtMs: number;
  clientIp: string | undefined;
  sourceId: string | undefined;
  /** The batch envelope's sentAt, used when an event has none of its own. */
  batchSentAt: string | undefined;
  maxClockSkewMs: number;
  classifyUserAgent: (ua: string | undefined) => UserAgentInfo | undefined;
}

/** Enriches every event of one request; what is the same for all of them is worked out once. */
export type Collector = (event: WireEvent) => CollectedEvent;

/**
 * Wraps valid events with what the server knows. The raw IP is dropped here and never published.
 * The receive time and the connection's anonymised IP are computed once per request, not per event.
 */
export function collectorFor(facts: RequestFacts): Collector {
  const receivedAt = new Date(facts.receivedAtMs).toISOString();
  const connectionIp = anonymizeIp(facts.clientIp);
  return (event) => {
    const sentAt = event.sentAt ?? facts.batchSentAt;
    // Rest destructuring rather than `delete`: a deleted property turns the object into a slow
    // dictionary, which JSON.stringify then walks at every event.
    const { writeKey: _writeKey, context: clientContext, ...fields } = event as WireEvent & { writeKey?: unknown };
    const { ip: clientSentIp, ...context } = clientContext ?? {};
    const ua = facts.classifyUserAgent(context.userAgent);
    const ipAnonymized = clientSentIp === undefined ? connectionIp : anonymizeIp(clientSentIp);
    const eventTs = correctedEventTime(event.timestamp, sentAt, facts.receivedAtMs, facts.maxClockSkewMs);
    const published = { ...fields, ...(clientContext ? { context } : {}), ...(sentAt ? { sentAt } : {}) };
    return {
      v: COLLECTED_EVENT_VERSION,
      receivedAt,
      enrichment: {
        eventTs: eventTs === facts.receivedAtMs ? receivedAt : new Date(eventTs).toISOString(),
        ...(facts.sourceId ? { sourceId: facts.sourceId } : {}),
        ...(ipAnonymized ? { ipAnonymized } : {}),
        ...(ua?.browser ? { browser: ua.browser } : {}),
        ...(ua?.browserVersion ? { browserVersion: ua.browserVersion } : {}),
        ...(ua?.os ? { os: ua.os } : {}),
        ...(ua ? { deviceType: ua.deviceType, isBot: ua.isBot } : {}),
      },
      event: published as WireEvent,
    };
  };
}
