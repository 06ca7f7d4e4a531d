/**
 * Event groups: which track events (and event types) the pipeline gives one meaning to. The storage
 * mapping gates columns by them, the SQL views and the Spark jobs read them from generated files
 * (generated/sql/fragments.json, shop_jobs/contract.py); nobody spells an event name by hand.
 *
 * A key is the name every language uses: `order_completed` here, `{{event.order_completed}}` in a
 * view, `ORDER_COMPLETED` in Python. Adding a name or a group here is the whole change.
 */

/** Track event names with a meaning in the pipeline, by key. The values are the wire names. */
export const eventNames = {
  product_clicked: "Product Clicked",
  product_viewed: "Product Viewed",
  product_added: "Product Added",
  product_removed: "Product Removed",
  product_added_to_wishlist: "Product Added to Wishlist",
  product_shared: "Product Shared",
  cart_viewed: "Cart Viewed",
  checkout_started: "Checkout Started",
  checkout_step_viewed: "Checkout Step Viewed",
  checkout_step_completed: "Checkout Step Completed",
  payment_info_entered: "Payment Info Entered",
  payment_attempted: "Payment Attempted",
  order_completed: "Order Completed",
  order_updated: "Order Updated",
  order_cancelled: "Order Cancelled",
  order_refunded: "Order Refunded",
  signed_in: "Signed In",
  signed_up: "Signed Up",
  password_reset: "Password Reset",
  shipping_address_changed: "Shipping Address Changed",
} as const;

export type EventKey = keyof typeof eventNames;
export type GroupedEventName = (typeof eventNames)[EventKey];

export interface EventGroup {
  readonly doc: string;
  /** Wire names, in a meaningful order where there is one (the funnel's steps). */
  readonly events: readonly GroupedEventName[];
}

const group = <const Events extends readonly GroupedEventName[]>(doc: string, events: Events) =>
  ({ doc, events }) as const;

const n = eventNames;

export const eventGroups = {
  product: group("Events about one product (they fill the product_* columns).", [
    n.product_clicked,
    n.product_viewed,
    n.product_added,
    n.product_removed,
    n.product_added_to_wishlist,
    n.product_shared,
  ]),
  cart: group("Events that change or show the cart.", [n.product_added, n.product_removed, n.cart_viewed]),
  checkout: group("Steps between the cart and the order.", [
    n.checkout_started,
    n.checkout_step_viewed,
    n.checkout_step_completed,
    n.payment_info_entered,
  ]),
  funnel: group("The shopping funnel's steps, in order: viewed a product → added to cart → checkout → ordered.", [
    n.product_viewed,
    n.product_added,
    n.checkout_started,
    n.order_completed,
  ]),
  order: group("Events about an order's life.", [
    n.order_completed,
    n.order_updated,
    n.order_cancelled,
    n.order_refunded,
  ]),
  refund: group("Money going back to the shopper: revenue counts negative.", [n.order_refunded]),
  net_revenue: group("The only events that fill revenue: SUM(revenue) over them is net revenue.", [
    n.order_completed,
    n.order_refunded,
  ]),
  order_value: group("Events that state an order's value without moving money (checkout_value, never revenue).", [
    n.checkout_started,
    n.order_updated,
    n.order_cancelled,
  ]),
  payment: group("Payment attempts, usually sent by the shop's backend.", [n.payment_attempted]),
  account: group("Account events: sign-in and sign-up, password reset, address change.", [
    n.signed_in,
    n.signed_up,
    n.password_reset,
    n.shipping_address_changed,
  ]),
  sign_in: group("Sign-ins and sign-ups (auth_method; auth_status for sign-ins).", [n.signed_in, n.signed_up]),
} as const satisfies Record<string, EventGroup>;

export type EventGroupName = keyof typeof eventGroups;

/** Event types grouped by meaning; screens are the page views of mobile apps. */
export const eventTypeGroups = {
  page_view: { doc: "Page and screen views.", types: ["page", "screen"] },
  /** Types whose traits describe the user (group traits describe a company). */
  user_traits: { doc: "Calls whose traits describe the user.", types: ["identify", "track", "page", "screen"] },
} as const;

export type EventTypeGroupName = keyof typeof eventTypeGroups;
