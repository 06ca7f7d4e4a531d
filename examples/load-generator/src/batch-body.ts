/** What the load generator needs from one event of a batch the storefront's SDK sent to the collector. */
export interface SentEvent {
  messageId: string;
  /** The event's own time, epoch ms (NaN when the event has none). */
  eventAt: number;
  anonymousId?: string;
  userId?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;
const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * The events of a `/v1/batch` request body (Segment's batch: `{ batch: [...] }`), as the browser sent it.
 * Anything else (not JSON, another shape, events without a messageId) gives no events: the driver only
 * observes the page's traffic and must not fail a shopper over a body it does not understand.
 */
export function sentEvents(body: string | null): SentEvent[] {
  if (!body) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.batch)) return [];
  return parsed.batch.flatMap((event): SentEvent[] => {
    if (!isRecord(event)) return [];
    const messageId = text(event.messageId);
    if (!messageId) return [];
    const anonymousId = text(event.anonymousId);
    const userId = text(event.userId);
    return [
      {
        messageId,
        eventAt: typeof event.timestamp === "string" ? Date.parse(event.timestamp) : Number.NaN,
        ...(anonymousId ? { anonymousId } : {}),
        ...(userId ? { userId } : {}),
      },
    ];
  });
}

/** Whether a request is a batch for the collector (the SDK posts to `<host>/v1/batch`). */
export const isBatchRequest = (method: string, url: string) =>
  method === "POST" && new URL(url).pathname.endsWith("/v1/batch");
