import { COLLECTED_EVENT_VERSION, type CollectedEvent } from "../collected.js";
import { type StorageRow, storageColumns } from "../storage/columns.js";
import { toStorageRow } from "../storage/to-storage-row.js";

export interface WireFixture {
  name: string;
  event: Record<string, unknown>;
}

/**
 * Wraps a valid wire fixture as the collector would, with fixed enrichment so the output is
 * deterministic: received 250 ms after the client's timestamp, no clock skew.
 */
export function collectFixture(fixture: WireFixture): CollectedEvent {
  const event = fixture.event as CollectedEvent["event"] & { timestamp?: string };
  const eventTs = event.timestamp ?? "2026-11-28T00:00:00.000Z";
  return {
    v: COLLECTED_EVENT_VERSION,
    receivedAt: new Date(Date.parse(eventTs) + 250).toISOString(),
    enrichment: { eventTs, sourceId: "fixture-source", ipAnonymized: "203.0.113.0", geoCountry: "BR" },
    event,
  };
}

const timestampColumns = new Set<string>(storageColumns.filter((c) => c.type === "timestamp_ms").map((c) => c.name));

/** JSON Lines for non-TypeScript tests: timestamps as ISO-8601 text, everything else as is. */
export function storageRowsJsonl(rows: StorageRow[]): string {
  return rows
    .map((row) =>
      JSON.stringify(
        Object.fromEntries(
          Object.entries(row).map(([key, value]) => [
            key,
            timestampColumns.has(key) && typeof value === "number" ? new Date(value).toISOString() : value,
          ]),
        ),
      ),
    )
    .join("\n")
    .concat("\n");
}

export const storageRowsFor = (fixtures: WireFixture[]): StorageRow[] =>
  fixtures.map((f) => toStorageRow(collectFixture(f)));
