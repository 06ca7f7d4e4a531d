/**
 * Typed helpers for the Segment E-commerce Spec v2 events, one standalone function per event, so a
 * bundler keeps only the ones a shop calls: `productViewed(tracker, { product_id: "p-1", price: 10 })`.
 */
import type { EcommerceEventName, EcommerceProperties } from "@shop/event-schema";
import type { Tracker } from "./core/tracker.js";

/** Anything with the tracker's `track` (the trackers of every entry point). */
export type EcommerceTracker = Pick<Tracker, "track">;

const helper =
  <Name extends EcommerceEventName>(name: Name) =>
  (tracker: EcommerceTracker, properties: EcommerceProperties[Name] & Record<string, unknown>): string =>
    // TypeScript cannot resolve track's conditional parameter for a generic Name; this signature is the typed one.
    tracker.track(name, properties as never);

export const productsSearched = /* @__PURE__ */ helper("Products Searched");
export const productListViewed = /* @__PURE__ */ helper("Product List Viewed");
export const productListFiltered = /* @__PURE__ */ helper("Product List Filtered");
export const productClicked = /* @__PURE__ */ helper("Product Clicked");
export const productViewed = /* @__PURE__ */ helper("Product Viewed");
export const productAdded = /* @__PURE__ */ helper("Product Added");
export const productRemoved = /* @__PURE__ */ helper("Product Removed");
export const cartViewed = /* @__PURE__ */ helper("Cart Viewed");
export const checkoutStarted = /* @__PURE__ */ helper("Checkout Started");
export const checkoutStepViewed = /* @__PURE__ */ helper("Checkout Step Viewed");
export const checkoutStepCompleted = /* @__PURE__ */ helper("Checkout Step Completed");
export const paymentInfoEntered = /* @__PURE__ */ helper("Payment Info Entered");
export const orderUpdated = /* @__PURE__ */ helper("Order Updated");
export const orderCompleted = /* @__PURE__ */ helper("Order Completed");
export const orderRefunded = /* @__PURE__ */ helper("Order Refunded");
export const orderCancelled = /* @__PURE__ */ helper("Order Cancelled");
export const couponEntered = /* @__PURE__ */ helper("Coupon Entered");
export const couponApplied = /* @__PURE__ */ helper("Coupon Applied");
export const couponDenied = /* @__PURE__ */ helper("Coupon Denied");
export const couponRemoved = /* @__PURE__ */ helper("Coupon Removed");
export const productAddedToWishlist = /* @__PURE__ */ helper("Product Added to Wishlist");
export const productShared = /* @__PURE__ */ helper("Product Shared");
