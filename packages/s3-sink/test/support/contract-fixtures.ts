import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { CollectedEvent, StorageRow } from "@shop/event-schema";
import { storageColumns } from "@shop/event-schema";
import { collectFixture } from "@shop/event-schema/testing";

/**
 * The contract's shared fixtures: the valid wire events, the storage rows they must become, and the
 * contract's own collectFixture() that wraps a wire event as the collector would.
 */
const require = createRequire(import.meta.url);
const validPath = require.resolve("@shop/event-schema/fixtures/wire/valid.json");
const rowsPath = require.resolve("@shop/event-schema/fixtures/storage/rows.jsonl");

export interface WireFixture {
  name: string;
  event: Record<string, unknown> & { messageId: string; type: string };
}

export const validWireFixtures: WireFixture[] = JSON.parse(readFileSync(validPath, "utf8"));

const timestampColumns = new Set<string>(storageColumns.filter((c) => c.type === "timestamp_ms").map((c) => c.name));

/** Storage rows as JSON Lines (ISO timestamps) → StorageRow values (epoch ms), in file order. */
const readRows = (path: string): StorageRow[] =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map(
      (line) =>
        Object.fromEntries(
          Object.entries(JSON.parse(line) as Record<string, unknown>).map(([k, v]) => [
            k,
            timestampColumns.has(k) && typeof v === "string" ? Date.parse(v) : v,
          ]),
        ) as StorageRow,
    );

/**
 * A sink file exactly as the sink of storage schema version 1 wrote it (before the payment, account
 * and risk columns): the lake's old files, which every reader must keep reading.
 */
export const v1SinkFilePath = require.resolve("@shop/event-schema/fixtures/parquet/sink-file-schema-v1.zstd.parquet");

/** fixtures/storage/rows.jsonl: the storage row of every valid wire fixture, in fixture order. */
export const expectedFixtureRows: StorageRow[] = readRows(rowsPath);

/**
 * fixtures/lake/: the same events delivered several times (redelivered and conflicting copies, in file
 * order), the rows every reader of the lake must keep, and the money figures over them.
 */
export const lakeFixture = {
  copies: readRows(require.resolve("@shop/event-schema/fixtures/lake/copies.jsonl")),
  winners: readRows(require.resolve("@shop/event-schema/fixtures/lake/winners.jsonl")),
  expected: JSON.parse(readFileSync(require.resolve("@shop/event-schema/fixtures/lake/expected.json"), "utf8")) as {
    money: Record<string, Record<string, number>>;
  },
};

export { collectFixture };

/** Every valid fixture as the collector would publish it, `copies` times, each copy with its own messageIds. */
export function uniqueCollectedFixtures(
  copies: number,
  idPrefix: string,
): Array<{ fixture: number; collected: CollectedEvent }> {
  const out: Array<{ fixture: number; collected: CollectedEvent }> = [];
  for (let copy = 0; copy < copies; copy++) {
    validWireFixtures.forEach((fixture, index) => {
      const collected = collectFixture(fixture);
      const messageId = `${idPrefix}-${copy}-${index}`;
      out.push({ fixture: index, collected: { ...collected, event: { ...collected.event, messageId } } });
    });
  }
  return out;
}
