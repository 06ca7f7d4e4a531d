import type { SeenAlert } from "./score.js";
import { type ReadTopicOptions, readTopic } from "./topic-reader.js";

/** Every alert record on the topic, from its first offset; records that are not JSON alerts are skipped. */
export function readAlerts(options: ReadTopicOptions<SeenAlert>): Promise<SeenAlert[]> {
  return readTopic(options, (value, producedAt) => {
    const record = JSON.parse(value) as Omit<SeenAlert, "producedAt">;
    if (typeof record.alertId !== "string" || typeof record.eventId !== "string") return undefined;
    return { ...record, producedAt };
  });
}
