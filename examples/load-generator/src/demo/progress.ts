/** What the demo's progress line shows while shoppers are sent: time, events the collector acked, orders, alerts. */
export interface Progress {
  readonly elapsedSeconds: number;
  readonly totalSeconds: number;
  /** Events the collector acknowledged (after Kafka had them) since the demo's traffic began. */
  readonly events: number;
  /** Order Completed events counted by the live metrics stream in the minutes it published since then. */
  readonly orders: number;
  /** Distinct fraud alerts published since then. */
  readonly alerts: number;
}

const COUNTER = "collector_events_accepted_total";

/**
 * Events the collector has acknowledged in all, from its Prometheus text: the sum of every
 * `collector_events_accepted_total` series (one per source). Undefined when the counter is missing, so a
 * collector that answers something else is told apart from one that accepted nothing.
 */
export function acceptedEvents(prometheusText: string): number | undefined {
  let total: number | undefined;
  for (const line of prometheusText.split("\n")) {
    if (!line.startsWith(COUNTER)) continue;
    const rest = line.slice(COUNTER.length);
    if (rest !== "" && rest[0] !== "{" && rest[0] !== " ") continue; // another metric sharing the prefix
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

/**
 * The live figures seen on the topics: the newest revision of each minute (a lower or equal revision is a
 * redelivery or an older computation and changes nothing) and each alert id once (a replay after a crash
 * repeats ids).
 */
export class LiveTally {
  private readonly minutes = new Map<string, { revision: number; orders: number }>();
  private readonly alertIds = new Set<string>();

  addMinute(minute: string, revision: number, orders: number): void {
    const known = this.minutes.get(minute);
    if (known && known.revision >= revision) return;
    this.minutes.set(minute, { revision, orders });
  }

  addAlert(alertId: string): void {
    this.alertIds.add(alertId);
  }

  get orders(): number {
    let total = 0;
    for (const { orders } of this.minutes.values()) total += orders;
    return total;
  }

  get alerts(): number {
    return this.alertIds.size;
  }
}

const clampSeconds = (p: Progress) => Math.min(Math.max(0, Math.floor(p.elapsedSeconds)), p.totalSeconds);
// After the time is up no shopper arrives, but visits under way still send for a while.
const figures = (p: Progress) =>
  `events acked ${p.events}  orders ${p.orders}  alerts ${p.alerts}${p.elapsedSeconds > p.totalSeconds + 1 ? "  (visits under way)" : ""}`;

/** One line for a terminal, redrawn in place: a bar of `barWidth` cells, then the time and the figures. */
export function progressBar(p: Progress, barWidth = 24): string {
  const elapsed = clampSeconds(p);
  const done = p.totalSeconds > 0 ? Math.round((elapsed / p.totalSeconds) * barWidth) : barWidth;
  return `[${"#".repeat(done)}${"-".repeat(barWidth - done)}] ${elapsed}/${p.totalSeconds} s  ${figures(p)}`;
}

/** One line for a log (no terminal, or CI): the same figures without the bar. */
export function progressLine(p: Progress): string {
  return `${clampSeconds(p)}/${p.totalSeconds} s: ${figures(p)}`;
}
