import { type Static, type TObject, Type } from "@sinclair/typebox";
import { AccountAndPaymentEvents, CurrencyCode, OrderPaymentFields } from "./payments.js";

/**
 * Segment E-commerce Spec v2: event names and their typed properties.
 * Properties are open (additionalProperties) because shops add their own; the typed ones must have the
 * right type, so "revenue": "lots" is rejected at the collector instead of breaking a revenue report.
 */
const open = { additionalProperties: true } as const;
const Money = Type.Number();
const Id = Type.String({ minLength: 1, maxLength: 200 });

export const Product = Type.Object(
  {
    product_id: Type.Optional(Id),
    sku: Type.Optional(Type.String({ maxLength: 200 })),
    category: Type.Optional(Type.String({ maxLength: 500 })),
    name: Type.Optional(Type.String({ maxLength: 500 })),
    brand: Type.Optional(Type.String({ maxLength: 200 })),
    variant: Type.Optional(Type.String({ maxLength: 200 })),
    price: Type.Optional(Money),
    quantity: Type.Optional(Type.Integer({ minimum: 0 })),
    coupon: Type.Optional(Type.String({ maxLength: 200 })),
    position: Type.Optional(Type.Integer({ minimum: 0 })),
    url: Type.Optional(Type.String({ maxLength: 2048 })),
    image_url: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  open,
);
export type Product = Static<typeof Product>;

const ProductWithCart = Type.Composite([Product, Type.Object({ cart_id: Type.Optional(Id) })], open);

const Products = Type.Array(Product, { maxItems: 500 });

const OrderTotals = {
  checkout_id: Type.Optional(Id),
  order_id: Type.Optional(Id),
  affiliation: Type.Optional(Type.String({ maxLength: 200 })),
  subtotal: Type.Optional(Money),
  total: Type.Optional(Money),
  revenue: Type.Optional(Money),
  value: Type.Optional(Money),
  shipping: Type.Optional(Money),
  tax: Type.Optional(Money),
  discount: Type.Optional(Money),
  coupon: Type.Optional(Type.String({ maxLength: 200 })),
  currency: Type.Optional(CurrencyCode),
  products: Type.Optional(Products),
};

const CheckoutStep = {
  checkout_id: Type.Optional(Id),
  step: Type.Optional(Type.Integer({ minimum: 0 })),
  shipping_method: Type.Optional(Type.String({ maxLength: 200 })),
  payment_method: Type.Optional(Type.String({ maxLength: 200 })),
};

const Coupon = {
  order_id: Type.Optional(Id),
  cart_id: Type.Optional(Id),
  coupon_id: Type.Optional(Id),
  coupon_name: Type.Optional(Type.String({ maxLength: 200 })),
  discount: Type.Optional(Money),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
};

/** Every e-commerce event name we type, with the schema of its `properties`. */
export const EcommerceEvents = {
  "Products Searched": Type.Object({ query: Type.Optional(Type.String({ maxLength: 1000 })) }, open),
  "Product List Viewed": Type.Object(
    {
      list_id: Type.Optional(Id),
      category: Type.Optional(Type.String({ maxLength: 500 })),
      products: Type.Optional(Products),
    },
    open,
  ),
  "Product List Filtered": Type.Object(
    {
      list_id: Type.Optional(Id),
      category: Type.Optional(Type.String({ maxLength: 500 })),
      products: Type.Optional(Products),
    },
    open,
  ),
  "Product Clicked": Product,
  "Product Viewed": Product,
  "Product Added": ProductWithCart,
  "Product Removed": ProductWithCart,
  "Cart Viewed": Type.Object({ cart_id: Type.Optional(Id), products: Type.Optional(Products) }, open),
  "Checkout Started": Type.Object(OrderTotals, open),
  "Checkout Step Viewed": Type.Object(CheckoutStep, open),
  "Checkout Step Completed": Type.Object(CheckoutStep, open),
  "Payment Info Entered": Type.Object({ ...CheckoutStep, order_id: Type.Optional(Id) }, open),
  "Order Updated": Type.Object(OrderTotals, open),
  "Order Completed": Type.Object({ ...OrderTotals, ...OrderPaymentFields }, open),
  "Order Refunded": Type.Object(OrderTotals, open),
  "Order Cancelled": Type.Object(OrderTotals, open),
  "Coupon Entered": Type.Object(Coupon, open),
  "Coupon Applied": Type.Object(Coupon, open),
  "Coupon Denied": Type.Object(Coupon, open),
  "Coupon Removed": Type.Object(Coupon, open),
  "Product Added to Wishlist": Type.Composite([Product, Type.Object({ wishlist_id: Type.Optional(Id) })], open),
  "Product Shared": Type.Composite(
    [Product, Type.Object({ share_via: Type.Optional(Type.String({ maxLength: 200 })) })],
    open,
  ),
} satisfies Record<string, TObject>;

export type EcommerceEventName = keyof typeof EcommerceEvents;
export type EcommerceProperties = { [Name in EcommerceEventName]: Static<(typeof EcommerceEvents)[Name]> };
export const ecommerceEventNames = Object.keys(EcommerceEvents) as EcommerceEventName[];

/** Every track event name whose properties are typed: the E-commerce spec's, then payments and accounts. */
export const TypedTrackEvents = { ...EcommerceEvents, ...AccountAndPaymentEvents } satisfies Record<string, TObject>;
export type TypedTrackEventName = keyof typeof TypedTrackEvents;
