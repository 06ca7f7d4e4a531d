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

/** Wraps a valid event with what the server knows. The raw IP is dropped here and never published. */
export function collect(event: WireEvent, facts: RequestFacts): CollectedEvent {
  const sentAt = event.sentAt ?? facts.batchSentAt;
  const { ip: clientSentIp, ...context } = event.context ?? {};
  const ua = facts.classifyUserAgent(context.userAgent);
  const ipAnonymized = anonymizeIp(clientSentIp ?? facts.clientIp);
  const eventTs = correctedEventTime(event.timestamp, sentAt, facts.receivedAtMs, facts.maxClockSkewMs);
  const published = { ...event, ...(event.context ? { context } : {}), ...(sentAt ? { sentAt } : {}) };
  delete (published as { writeKey?: string }).writeKey;
  return {
    v: COLLECTED_EVENT_VERSION,
    receivedAt: new Date(facts.receivedAtMs).toISOString(),
    enrichment: {
      eventTs: new Date(eventTs).toISOString(),
      ...(facts.sourceId ? { sourceId: facts.sourceId } : {}),
      ...(ipAnonymized ? { ipAnonymized } : {}),
      ...(ua?.browser ? { browser: ua.browser } : {}),
      ...(ua?.browserVersion ? { browserVersion: ua.browserVersion } : {}),
      ...(ua?.os ? { os: ua.os } : {}),
      ...(ua ? { deviceType: ua.deviceType, isBot: ua.isBot } : {}),
    },
    event: published,
  };
}
