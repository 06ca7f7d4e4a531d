/** How far a reader of a Kafka topic is behind its end: a consumer group's commits, or a Spark query's checkpoint. */

/** Partition → next offset to read. */
export type Offsets = ReadonlyMap<number, number>;

/** Records between what was read and the ends; a partition never read (absent, or Kafka's -1) lags by all of it. */
export function lagOf(ends: Offsets, read: Offsets): number {
  let total = 0;
  for (const [partition, end] of ends) total += Math.max(0, end - Math.max(0, read.get(partition) ?? 0));
  return total;
}

/**
 * The offsets a Structured Streaming batch ends at, from its checkpoint file `offsets/<batch>`: a version line, the
 * batch's metadata, then one line per source, a Kafka source's being {"topic": {"partition": offset}}. A query that
 * reads the topic through several sources has read up to the least of them. Undefined when no source reads the topic
 * or the file is not such a file.
 */
export function checkpointOffsets(text: string, topic: string): Offsets | undefined {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  if (lines[0] !== "v1") return undefined;
  let least: Map<number, number> | undefined;
  for (const line of lines.slice(2)) {
    let source: unknown;
    try {
      source = JSON.parse(line);
    } catch {
      continue; // another kind of source (a file source's log id)
    }
    const partitions =
      typeof source === "object" && source !== null ? (source as Record<string, unknown>)[topic] : undefined;
    if (typeof partitions !== "object" || partitions === null) continue;
    const offsets = new Map<number, number>();
    for (const [partition, offset] of Object.entries(partitions)) {
      if (typeof offset === "number") offsets.set(Number(partition), offset);
    }
    if (least === undefined) {
      least = offsets;
      continue;
    }
    for (const [partition, offset] of offsets) least.set(partition, Math.min(offset, least.get(partition) ?? offset));
  }
  return least;
}
