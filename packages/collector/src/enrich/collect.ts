import { COLLECTED_EVENT_VERSION, type Enrichment, type WireEvent } from "@shop/event-schema";
import { campaignOfPage } from "./campaign.js";
import { correctedEventTime } from "./event-time.js";
import { anonymizeIp } from "./ip.js";
import type { UserAgentInfo } from "./user-agent.js";

export interface RequestFacts {
  receivedAtMs: number;
  clientIp: string | undefined;
  sourceId: string | undefined;
  /**
   * The source is a server sending on behalf of shoppers (COLLECTOR_SERVER_SOURCES): an event's
   * `context.ip` is the shopper's IP. From any other source it is ignored: a browser could claim any address.
   */
  trustSentIp: boolean;
  /** The batch envelope's sentAt, used when an event has none of its own. */
  batchSentAt: string | undefined;
  maxClockSkewMs: number;
  classifyUserAgent: (ua: string | undefined) => UserAgentInfo | undefined;
  /** Country (ISO 3166-1 alpha-2) of a raw client IP, before anonymisation; absent when the lookup is off. */
  countryOf?: ((ip: string | undefined) => string | undefined) | undefined;
}

export interface CollectedRecord {
  /** The Kafka record value: a CollectedEvent (`@shop/event-schema`) as JSON. */
  value: string;
  /** The published event's own JSON, a slice of `value`; its size is what the per-event limit caps. */
  eventJson: string;
}

/** Turns one valid event of the request into its record; see {@link collectorFor}. */
export type Collector = (event: WireEvent) => CollectedRecord;

/**
 * Enriches the valid events of one request and writes each as a CollectedEvent record, in one pass:
 * - the event is published as the client sent it, except its raw IP (`context.ip`, which never
 *   leaves the collector) and a `writeKey` (a credential), with the batch's `sentAt` when it has
 *   none, and with `context.campaign` from the page's utm_ parameters when it has a page and no
 *   campaign (see campaignOfPage). These are edited on the parsed event itself, which belongs to this request: copying every
 *   event to drop keys that are almost never there cost more than the rest of the enrichment.
 * - what is the same for the whole request (receive time, the connection's anonymised IP and
 *   country, source) and for one user agent is worked out once and reused as JSON text; only the
 *   event time and the event itself are serialized per event.
 * - the country is looked up on the raw IP the anonymised one comes from (`context.ip` from a
 *   server-side source, else the connection's), before it is anonymised: a /24 or /48 can straddle a
 *   country border in the database. An event's own `context.ip` is looked up once per distinct IP in a row.
 */
export function collectorFor(facts: RequestFacts): Collector {
  const receivedAt = new Date(facts.receivedAtMs).toISOString();
  const head = `{"v":${COLLECTED_EVENT_VERSION},"receivedAt":"${receivedAt}","enrichment":{"eventTs":"`;
  const connectionIp = anonymizeIp(facts.clientIp);
  const countryOf = facts.countryOf;
  const connectionCountry = countryOf?.(facts.clientIp);
  const batchSentMs = facts.batchSentAt === undefined ? undefined : Date.parse(facts.batchSentAt);
  let lastSentIp: string | undefined;
  let lastSentCountry: string | undefined;
  let lastUa: UserAgentInfo | undefined;
  let lastIp: string | undefined;
  let lastCountry: string | undefined;
  let lastTail: string | undefined;

  /** The enrichment's fields after eventTs, as JSON text (`,"sourceId":...`, or empty). */
  const enrichmentTail = (
    ua: UserAgentInfo | undefined,
    ipAnonymized: string | undefined,
    geoCountry: string | undefined,
  ): string => {
    if (lastTail !== undefined && ua === lastUa && ipAnonymized === lastIp && geoCountry === lastCountry) {
      return lastTail;
    }
    const rest: Omit<Enrichment, "eventTs"> = {};
    if (facts.sourceId) rest.sourceId = facts.sourceId;
    if (ipAnonymized) rest.ipAnonymized = ipAnonymized;
    if (ua?.browser) rest.browser = ua.browser;
    if (ua?.browserVersion) rest.browserVersion = ua.browserVersion;
    if (ua?.os) rest.os = ua.os;
    if (ua) {
      rest.deviceType = ua.deviceType;
      rest.isBot = ua.isBot;
    }
    if (geoCountry) rest.geoCountry = geoCountry;
    const json = JSON.stringify(rest);
    lastUa = ua;
    lastIp = ipAnonymized;
    lastCountry = geoCountry;
    lastTail = json === "{}" ? "" : `,${json.slice(1, -1)}`;
    return lastTail;
  };

  /** The country of an event's own context.ip; the last one is remembered (a server's batch often repeats it). */
  const sentIpCountry = (ip: string): string | undefined => {
    if (countryOf === undefined) return undefined;
    if (ip !== lastSentIp) {
      lastSentIp = ip;
      lastSentCountry = countryOf(ip);
    }
    return lastSentCountry;
  };

  return (event) => {
    const published = event as WireEvent & { writeKey?: unknown };
    if (published.writeKey !== undefined) delete published.writeKey;
    const context = published.context;
    const sentIp = context?.ip;
    if (sentIp !== undefined) delete context?.ip;
    if (context?.page && context.campaign === undefined) {
      const campaign = campaignOfPage(context.page);
      if (campaign) context.campaign = campaign;
    }
    const clientSentIp = facts.trustSentIp ? sentIp : undefined;
    const ownSentAt = published.sentAt;
    if (ownSentAt === undefined && facts.batchSentAt !== undefined) published.sentAt = facts.batchSentAt;

    const ua = facts.classifyUserAgent(context?.userAgent);
    const ipAnonymized = clientSentIp === undefined ? connectionIp : anonymizeIp(clientSentIp);
    const geoCountry = clientSentIp === undefined ? connectionCountry : sentIpCountry(clientSentIp);
    const eventTs = correctedEventTime(
      published.timestamp,
      ownSentAt ?? batchSentMs,
      facts.receivedAtMs,
      facts.maxClockSkewMs,
    );
    const eventTsIso = eventTs === facts.receivedAtMs ? receivedAt : new Date(eventTs).toISOString();
    const eventJson = JSON.stringify(published);
    // The ISO timestamps need no escaping; the tail and the event are JSON.stringify output.
    return {
      value: `${head}${eventTsIso}"${enrichmentTail(ua, ipAnonymized, geoCountry)}},"event":${eventJson}}`,
      eventJson,
    };
  };
}
