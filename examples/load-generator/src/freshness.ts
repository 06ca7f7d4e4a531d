import { percentile } from "./score.js";
import type { Acks } from "./transport.js";

/** One revision of a minute's live figures as it reached the metrics topic. */
export interface SeenMinute {
  /** Start of the minute (epoch ms, event time). */
  readonly minute: number;
  /** Events the revision counts in the minute. */
  readonly events: number;
  /** When the revision was published (the record's Kafka timestamp, epoch ms). */
  readonly producedAt: number;
}

export interface Freshness {
  /** Acked events whose latency was measured. */
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Acked events no revision ever counted (e.g. later than the stream's watermark). */
  unseen: number;
  /** Acked events sent long after their time (replayed history), left out of the figures. */
  replayed: number;
}

const MINUTE_MS = 60_000;

/**
 * How long after the collector's 2xx each event was counted in the live figures of its minute.
 *
 * A revision carries counts, not event ids, so an event's arrival is inferred: within a minute, events
 * are ranked by acknowledgement, and the k-th is counted by the first revision, published after its ack,
 * whose count reaches k. Exact when the stream reads events in the order the collector acked them (it
 * reads whole micro-batches, so events of one batch share one revision); at worst it attributes a later
 * revision to an event (latency overstated). It assumes the topic carries only the run's events: other
 * traffic in the same minutes makes counts reach an event's rank early (latency understated). Events acked
 * more than `replayAfterMs` after their own time are replays of the past and are left out.
 */
export function liveMetricsFreshness(acks: Acks, revisions: readonly SeenMinute[], replayAfterMs = 60_000): Freshness {
  const byMinute = new Map<number, number[]>();
  let replayed = 0;
  for (const { ackedAt, eventAt } of acks.values()) {
    if (!Number.isFinite(eventAt) || ackedAt - eventAt > replayAfterMs) {
      replayed += 1;
      continue;
    }
    const minute = Math.floor(eventAt / MINUTE_MS) * MINUTE_MS;
    const list = byMinute.get(minute) ?? [];
    list.push(ackedAt);
    byMinute.set(minute, list);
  }
  const revisionsOf = new Map<number, SeenMinute[]>();
  for (const revision of revisions) {
    const list = revisionsOf.get(revision.minute) ?? [];
    list.push(revision);
    revisionsOf.set(revision.minute, list);
  }
  const latencies: number[] = [];
  let unseen = 0;
  for (const [minute, ackTimes] of byMinute) {
    ackTimes.sort((a, b) => a - b);
    const seen = (revisionsOf.get(minute) ?? []).sort((a, b) => a.producedAt - b.producedAt);
    ackTimes.forEach((ackedAt, index) => {
      const counted = seen.find((r) => r.producedAt >= ackedAt && r.events >= index + 1);
      if (counted) latencies.push(counted.producedAt - ackedAt);
      else unseen += 1;
    });
  }
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    maxMs: latencies.at(-1) ?? 0,
    unseen,
    replayed,
  };
}
