import type { Arrival, CollectorServer } from "./collector-server.js";

/** How a set of expected events reached the collector: what is missing, what came more than once. */
export interface Delivery {
  readonly missing: string[];
  /** Keys that arrived more than once, with how often. */
  readonly duplicated: Record<string, number>;
  /** messageIds that arrived more than once (a re-send the pipeline would have to dedupe). */
  readonly duplicatedMessageIds: Record<string, number>;
}

/**
 * Compares arrivals with the expected keys. `keyOf` names an arrival (e.g. the test's own `n`
 * property) or returns undefined for events the check ignores (page views, other tests' events).
 */
export function delivery(
  arrivals: readonly Arrival[],
  expected: readonly string[],
  keyOf: (event: Record<string, unknown>) => string | undefined,
): Delivery {
  const byKey = new Map<string, number>();
  const byMessageId = new Map<string, number>();
  for (const { event } of arrivals) {
    const key = keyOf(event);
    if (key === undefined) continue;
    byKey.set(key, (byKey.get(key) ?? 0) + 1);
    const messageId = String(event.messageId);
    byMessageId.set(messageId, (byMessageId.get(messageId) ?? 0) + 1);
  }
  const moreThanOnce = (counts: Map<string, number>) =>
    Object.fromEntries([...counts].filter(([, count]) => count > 1));
  return {
    missing: expected.filter((key) => !byKey.has(key)),
    duplicated: moreThanOnce(byKey),
    duplicatedMessageIds: moreThanOnce(byMessageId),
  };
}

/** messageIds seen more than once across every accepted event (any type). */
export function duplicateMessageIds(arrivals: readonly Arrival[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const { event } of arrivals) counts.set(String(event.messageId), (counts.get(String(event.messageId)) ?? 0) + 1);
  return Object.fromEntries([...counts].filter(([, count]) => count > 1));
}

/** One line per request, for failure messages: when, how, what came back, which events. */
export function describeTraffic(
  collector: CollectorServer,
  label: (event: Record<string, unknown>) => string = defaultLabel,
): string {
  const lines = collector.requests.map((r) => {
    const outcome = r.outcome.kind === "answered" ? String(r.outcome.status) : r.outcome.kind;
    // What a refused request carried is shown too, marked with "~", to follow events through retries.
    const answeredOk = r.outcome.kind === "answered" && r.outcome.status === 200;
    const events = answeredOk ? r.accepted.map(label).join(",") : r.carried.map((e) => `~${label(e)}`).join(",");
    const rejected = r.rejected.length ? ` rejected=${JSON.stringify(r.rejected)}` : "";
    return `  +${r.at}ms ${r.method} ${r.path} ${r.contentType ?? "-"} mode=${r.secFetchMode ?? "-"} -> ${outcome} [${events}]${rejected}`;
  });
  return `collector saw ${collector.requests.length} request(s):\n${lines.join("\n")}`;
}

function defaultLabel(event: Record<string, unknown>): string {
  const properties = (event.properties ?? {}) as Record<string, unknown>;
  const page = ((event.context ?? {}) as { page?: { path?: string; url?: string } }).page;
  if (event.type === "track") {
    const tab = properties.tab ? `${String(properties.tab)}:` : "";
    return properties.n === undefined ? String(event.event) : `${tab}${String(properties.n)}`;
  }
  if (event.type === "page") return `page(${page?.url ? new URL(page.url).pathname + new URL(page.url).search : "?"})`;
  return String(event.type);
}
