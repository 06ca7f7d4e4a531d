import { describe, expect, it } from "vitest";
import { eventGroups, eventNames } from "../src/events/groups.js";
import { storageColumns } from "../src/storage/columns.js";
import { type ColumnMapping, coercions, STORAGE_SCHEMA_VERSION, storageMapping } from "../src/storage/mapping.js";
import { checkMapping, MappingDefinitionError } from "../src/storage/to-storage-row.js";
import { TypedTrackEvents } from "../src/wire/ecommerce.js";

const column = (overrides: Partial<ColumnMapping>): ColumnMapping =>
  ({ name: "x", as: "string", from: ["event.properties.x"], doc: "x", ...overrides }) as ColumnMapping;

describe("the storage mapping", () => {
  it("passes its own checks, and its columns are typed by their coercions", () => {
    expect(() => checkMapping(storageMapping)).not.toThrow();
    (storageMapping as readonly ColumnMapping[]).forEach((m, i) => {
      expect(storageColumns[i]).toMatchObject({ name: m.name, type: coercions[m.as].type, nullable: !m.required });
    });
  });

  it("stamps every row with the schema version", () => {
    expect(storageMapping.find((m) => m.name === "schema_version")).toMatchObject({ constant: STORAGE_SCHEMA_VERSION });
  });

  it("names only track events whose properties the wire contract types", () => {
    for (const name of Object.values(eventNames)) expect(Object.keys(TypedTrackEvents)).toContain(name);
    for (const group of Object.values(eventGroups)) {
      for (const name of group.events) expect(Object.values(eventNames)).toContain(name);
    }
  });

  it.each([
    ["a duplicate column", [...storageMapping, column({ name: "event_id" })], /mapped twice/],
    [
      "a path outside the collected event",
      [...storageMapping, column({ from: ["properties.x"] })],
      /dotted keys under/,
    ],
    ["an empty path", [...storageMapping, column({ from: ["event..x"] })], /dotted keys/],
    ["no source", [...storageMapping, column({ from: [] })], /no source path/],
    ["a sign rule on a string", [...storageMapping, column({ negativeFor: ["Order Refunded"] })], /needs a double/],
    ["an empty event filter", [...storageMapping, column({ when: { track: [] } })], /fills nothing/],
    ["no event_name to filter by", storageMapping.filter((m) => m.name !== "event_name"), /event_name/],
  ])("refuses %s", (_case, mapping, message) => {
    expect(() => checkMapping(mapping as ColumnMapping[])).toThrow(MappingDefinitionError);
    expect(() => checkMapping(mapping as ColumnMapping[])).toThrow(message);
  });
});
