import type { StorageRow } from "@shop/event-schema";
import type { PartitionBounds } from "../config.js";

/** A Hive-style hour partition: `dt=YYYY-MM-DD/hour=HH`, both UTC. */
export interface HourPartition {
  /** YYYY-MM-DD */
  readonly dt: string;
  /** 0-23 */
  readonly hour: number;
}

export type PartitionBasis = "event_ts" | "received_at";

export interface PartitionDecision extends HourPartition {
  readonly basis: PartitionBasis;
}

/** The UTC hour partition that contains an instant (epoch ms). */
export function hourPartitionOf(epochMs: number): HourPartition {
  const iso = new Date(epochMs).toISOString();
  return { dt: iso.slice(0, 10), hour: Number(iso.slice(11, 13)) };
}

/**
 * The partition rule. Rows go to the hour of their event time, so an hour partition holds what
 * happened in that hour and queries on event_ts prune partitions. Two exceptions use received_at
 * instead, because partitioning by an implausible event time would scatter writes into old
 * partitions already compacted and queried, or into partitions that do not exist yet:
 * - event_ts more than `lateEventBoundMs` before received_at (a device that was offline for weeks,
 *   or a clock far in the past);
 * - event_ts more than `futureEventBoundMs` after received_at (a clock the collector's skew
 *   correction could not fix).
 * Exactly at a bound still counts as plausible. The row keeps both timestamps either way.
 */
export function partitionFor(
  row: Pick<StorageRow, "event_ts" | "received_at">,
  bounds: PartitionBounds,
): PartitionDecision {
  const lag = row.received_at - row.event_ts;
  const plausible = lag <= bounds.lateEventBoundMs && -lag <= bounds.futureEventBoundMs;
  const basis: PartitionBasis = plausible ? "event_ts" : "received_at";
  return { ...hourPartitionOf(plausible ? row.event_ts : row.received_at), basis };
}

const HOUR_MS = 3_600_000;

/**
 * The same rule as partitionFor, as an hour number (epoch ms / 1 h, floored): the per-row form,
 * which allocates nothing. hourPartitionOf(hour * 3_600_000) turns it into dt and hour.
 */
export function partitionHourOf(eventTs: number, receivedAt: number, bounds: PartitionBounds): number {
  const lag = receivedAt - eventTs;
  const plausible = lag <= bounds.lateEventBoundMs && -lag <= bounds.futureEventBoundMs;
  return Math.floor((plausible ? eventTs : receivedAt) / HOUR_MS);
}

export const partitionOfHour = (hour: number): HourPartition => hourPartitionOf(hour * HOUR_MS);

export const partitionPath = ({ dt, hour }: HourPartition): string => `dt=${dt}/hour=${String(hour).padStart(2, "0")}`;
