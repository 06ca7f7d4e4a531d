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
      checkout_value: null,
    });
    expect(byName("order refunded")).toMatchObject({ order_id: "order-1001", revenue: -89.9 });
  });

  it("keeps every other amount out of revenue, in a column of its own", () => {
    expect(byName("checkout started")).toMatchObject({ revenue: null, checkout_value: 179.8, currency: "BRL" });
    expect(byName("product added to cart")).toMatchObject({ revenue: null, product_price: 89.9, quantity: 2 });
    expect(byName("payment declined, sent by the shop's backend")).toMatchObject({
      revenue: null,
      payment_amount: 199.8,
      currency: "BRL",
    });
    const revenueRows = storageRowsFor(validFixtures).filter((r) => r.revenue !== null);
    expect(revenueRows.map((r) => r.event_name).sort()).toEqual(["Order Completed", "Order Refunded"]);
  });

  it("maps payment, account and risk signals", () => {
    expect(byName("payment declined, sent by the shop's backend")).toMatchObject({
      payment_method: "card",
      payment_status: "declined",
      decline_code: "insufficient_funds",
      card_fingerprint: "fp_1a2b3c4d",
      card_bin: "411111",
      card_country: "US",
      auth_status: null,
      geo_country: "BR",
    });
    expect(byName("order completed with products")).toMatchObject({
      billing_country: "BR",
      shipping_country: "BR",
      payment_method: "card",
      card_fingerprint: "fp_9f8e7d6c",
    });
    expect(byName("signed in from a new device")).toMatchObject({
      auth_method: "password",
      auth_status: "success",
      payment_status: null,
      account_created_at: Date.parse("2025-03-14T09:26:53.000Z"),
    });
    expect(byName("identify with the account's creation time")).toMatchObject({
      account_created_at: Date.parse("2026-11-28T10:59:00.000Z"),
    });
    expect(byName("shipping address changed")).toMatchObject({ shipping_country: "PT" });
    expect(byName("group")).toMatchObject({ account_created_at: null });
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
