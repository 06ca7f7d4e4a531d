import { describe, expect, expectTypeOf, it } from "vitest";
import * as ecommerce from "../src/ecommerce.js";
import { cartViewed, orderCompleted, productAdded, productsSearched, productViewed } from "../src/ecommerce.js";
import { createTestingTracker } from "../src/testing.js";

describe("e-commerce helpers", () => {
  it("send the spec event names with typed properties", async () => {
    const { tracker, transport } = createTestingTracker({ flushAt: 100 });
    productsSearched(tracker, { query: "running shoes" });
    productViewed(tracker, { product_id: "p-1", price: 120, currency: "BRL" });
    productAdded(tracker, { product_id: "p-1", quantity: 1, cart_id: "c-1" });
    cartViewed(tracker, { cart_id: "c-1", products: [{ product_id: "p-1", quantity: 1 }] });
    const id = orderCompleted(tracker, {
      order_id: "o-1",
      revenue: 120,
      currency: "BRL",
      products: [{ product_id: "p-1" }],
    });
    await tracker.flush();
    const events = transport.events();
    expect(events.map((e) => (e.type === "track" ? e.event : ""))).toEqual([
      "Products Searched",
      "Product Viewed",
      "Product Added",
      "Cart Viewed",
      "Order Completed",
    ]);
    expect(events[4]).toMatchObject({ messageId: id, properties: { order_id: "o-1", revenue: 120 } });
  });

  it("covers every spec event the issue names", () => {
    expect(Object.keys(ecommerce)).toEqual(
      expect.arrayContaining([
        "productViewed",
        "productAdded",
        "productRemoved",
        "cartViewed",
        "checkoutStarted",
        "checkoutStepViewed",
        "checkoutStepCompleted",
        "paymentInfoEntered",
        "orderCompleted",
        "orderRefunded",
        "couponApplied",
        "productsSearched",
      ]),
    );
  });

  it("type-checks the properties against the contract", () => {
    expectTypeOf(orderCompleted).parameter(1).toHaveProperty("revenue").toEqualTypeOf<number | undefined>();
    expectTypeOf(productAdded).parameter(1).toHaveProperty("quantity").toEqualTypeOf<number | undefined>();
    // @ts-expect-error revenue must be a number
    expectTypeOf(orderCompleted).toBeCallableWith(createTestingTracker().tracker, { revenue: "lots" });
  });
});
