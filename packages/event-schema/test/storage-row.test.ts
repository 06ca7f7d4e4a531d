import { describe, expect, it } from "vitest";
import { collectFixture, storageRowsFor } from "../src/generate/fixtures.js";
import { STORAGE_SCHEMA_VERSION, storageColumns } from "../src/storage/columns.js";
import { StorageMappingError, toStorageRow } from "../src/storage/to-storage-row.js";
import { validFixtures } from "./fixtures.js";

const byName = (name: string) => {
  const fixture = validFixtures.find((f) => f.name === name);
  if (!fixture) throw new Error(`no fixture ${name}`);
  return toStorageRow(collectFixture(fixture));
};

describe("toStorageRow", () => {
  it("produces exactly the contract's columns, in order, for every fixture", () => {
    for (const row of storageRowsFor(validFixtures)) {
      expect(Object.keys(row)).toEqual(storageColumns.map((c) => c.name));
    }
  });

  it("maps page context and UTM campaign", () => {
    const row = byName("page view with UTM campaign");
    expect(row).toMatchObject({
      event_type: "page",
      event_name: "Home",
      page_path: "/",
      page_referrer: "https://news.example/",
      utm_source: "news",
      utm_medium: "email",
      utm_campaign: "black-friday",
      session_id: "sess-fixture-1",
      session_seq: 0,
      locale: "pt-BR",
      library_name: "@shop/tracker",
      event_ts: Date.parse("2026-11-28T10:00:00.000Z"),
      received_at: Date.parse("2026-11-28T10:00:00.250Z"),
      sent_at: Date.parse("2026-11-28T10:00:01.000Z"),
      ip_anonymized: "203.0.113.0",
      schema_version: STORAGE_SCHEMA_VERSION,
    });
  });

  it("promotes product fields and upper-cases the currency", () => {
    expect(byName("product viewed")).toMatchObject({
      product_id: "sku-42",
      product_sku: "SKU-42",
      product_category: "Shoes",
      currency: "BRL",
      revenue: null,
    });
    expect(byName("product added to cart")).toMatchObject({ quantity: 2 });
  });

  it("takes revenue from Order Completed and books refunds as negative", () => {
    expect(byName("order completed with products")).toMatchObject({
      order_id: "order-1001",
      checkout_id: "chk-1",
      revenue: 179.8,
    });
    expect(byName("order refunded")).toMatchObject({ order_id: "order-1001", revenue: -89.9 });
  });

  it("keeps the whole properties, traits and context as JSON text", () => {
    const row = byName("custom track event with unknown properties");
    expect(JSON.parse(row.properties_json ?? "null")).toEqual({ list: "weekly", nested: { a: [1, 2, 3] } });
    expect(JSON.parse(byName("identify after login").traits_json ?? "null")).toEqual({ plan: "gold" });
  });

  it("refuses an event without a usable event time, with a typed error", () => {
    const collected = collectFixture(validFixtures[0] as never);
    collected.enrichment.eventTs = "not a time";
    expect(() => toStorageRow(collected)).toThrow(StorageMappingError);
  });
});
