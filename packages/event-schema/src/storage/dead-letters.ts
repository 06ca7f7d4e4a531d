import { deadLetterStages } from "../collected.js";
import { column, type LakeTable, type PartitionColumnDefinition, type RowOf } from "./columns.js";

/**
 * The contract's DeadLetter as a lake table: what the S3 sink writes as JSON Lines under
 * `dead-letter/<stage>/dt=YYYY-MM-DD/hour=HH/`, one object per batch and hour, partitioned by the
 * dead letter's `receivedAt`. Columns are the JSON keys; `reason` and `original` are JSON values read
 * as text (query them with `json_extract_scalar(reason, '$.code')`).
 */
export const deadLetterColumns = [
  column("v", "int32", false, "Dead-letter format version (the collected event's version)."),
  column(
    "reason",
    "string",
    false,
    "Why, as JSON: code (e.g. not_json, not_collected_event), message, and the stage's details (path, topic, partition, offset).",
  ),
  column("received_at", "timestamp_ms", false, "When the record was received (UTC): the collector's, else Kafka's."),
  column("source_id", "string", true, "Source the write key belongs to, when known."),
  column("original", "string", true, "The original event (JSON) or record text exactly as received, for replay."),
] as const;

export const deadLetterPartitionColumns = [
  {
    name: "stage",
    type: "string",
    doc: "Where the record was refused: collector | sink | processing.",
    inKey: "value",
    values: deadLetterStages,
  },
  { name: "dt", type: "string", doc: "UTC date of received_at, YYYY-MM-DD." },
  { name: "hour", type: "int32", doc: "UTC hour of received_at, 0-23." },
] as const satisfies readonly PartitionColumnDefinition[];

export const deadLettersLakeTable = {
  name: "dead_letters",
  folder: "dead-letter",
  storage: { format: "json_lines", keys: { received_at: "receivedAt", source_id: "sourceId" } },
  columns: deadLetterColumns,
  partitions: deadLetterPartitionColumns,
} as const satisfies LakeTable;

export type DeadLetterRow = RowOf<typeof deadLetterColumns>;
