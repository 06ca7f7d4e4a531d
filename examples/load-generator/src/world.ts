import { type Campaign, Device, ShopBackend, type ShopperRef } from "./actors.js";
import { type Case, newCase, type Scenario } from "./cases.js";
import { type CatalogProduct, type Country, campaigns, cardBins, catalog, userAgents } from "./catalog.js";
import { addressIn } from "./network.js";
import { between, chance, pick, type Random } from "./random.js";
import { Timeline } from "./timeline.js";
import type { TransportFactory } from "./transport.js";

/** Everything the scenarios schedule onto: one timeline, one shop backend, the cases so far. */
export class World {
  readonly timeline = new Timeline();
  readonly backend: ShopBackend;
  readonly cases: Case[] = [];
  readonly devices: Device[] = [];

  constructor(
    readonly options: {
      host: string;
      writeKey: string;
      serverWriteKey: string;
      random: Random;
      transports: TransportFactory;
      runTag: string;
    },
  ) {
    this.backend = new ShopBackend({ ...options, writeKey: options.serverWriteKey, timeline: this.timeline });
  }

  get random(): Random {
    return this.options.random;
  }

  /** A new case of `scenario`; ids made from it are unique to the run (runTag) and the case. */
  open(scenario: Scenario, startsAt: number): Case {
    const c = newCase(`${this.options.runTag}-${this.cases.length}`, scenario, startsAt);
    this.cases.push(c);
    return c;
  }

  device(
    owner: Case,
    options: { country?: Country; ip?: string; userAgent?: string; campaign?: Campaign | "none" } = {},
  ): Device {
    const random = this.random;
    const campaign = options.campaign === "none" ? undefined : (options.campaign ?? maybeCampaign(random));
    const device = new Device({
      ...this.options,
      timeline: this.timeline,
      ip: options.ip ?? addressIn(random, options.country ?? "BR"),
      userAgent: options.userAgent ?? pick(random, userAgents),
      ...(campaign ? { campaign } : {}),
    });
    owner.anonymousIds.push(device.anonymousId);
    this.devices.push(device);
    return device;
  }

  /** Every tracker of the run, for the final flush. */
  trackers() {
    return [this.backend.tracker, ...this.devices.map((d) => d.tracker)];
  }
}

const maybeCampaign = (random: Random) => (chance(random, 0.4) ? pick(random, campaigns) : undefined);

export interface Card {
  fingerprint: string;
  bin: string;
  country: Country;
}

export function newCard(world: World, owner: Case, n: number, country: Country = "BR"): Card {
  return { fingerprint: `fp-${owner.caseId}-${n}`, bin: pick(world.random, cardBins), country };
}

export const asProduct = (p: CatalogProduct, quantity?: number) => ({
  product_id: p.product_id,
  sku: p.sku,
  name: p.name,
  category: p.category,
  brand: p.brand,
  price: p.price,
  currency: "BRL",
  ...(quantity ? { quantity } : {}),
});

export type CartLine = { product: CatalogProduct; quantity: number };
export const cartValue = (cart: CartLine[]) =>
  Math.round(cart.reduce((sum, c) => sum + c.product.price * c.quantity, 0) * 100) / 100;

/** A think time in seconds, as ms. */
export const seconds = (random: Random, min: number, max: number) => between(random, min, max) * 1000;

/** Browses like a person: home, a category, 1–4 products (some added to the cart). Returns the time after. */
export function browse(
  world: World,
  owner: Case,
  device: Device,
  at: number,
  options: { products?: number; addChance?: number; mustAdd?: boolean } = {},
): { at: number; cart: CartLine[] } {
  const random = world.random;
  let t = at;
  device.visit(t, "/", "Shop", "Home");
  if (chance(random, 0.5)) {
    t += seconds(random, 3, 20);
    device.track(t, "Products Searched", { query: pick(random, ["running shoes", "jacket", "watch", "bottle"]) });
  }
  t += seconds(random, 5, 30);
  const category = pick(random, catalog).category;
  device.visit(t, `/c/${category.toLowerCase()}`, category, "Category");
  device.track(t, "Product List Viewed", {
    category,
    products: catalog.filter((p) => p.category === category).map((p) => asProduct(p)),
  });
  const cart: CartLine[] = [];
  const views = options.products ?? between(random, 1, 4);
  for (let i = views; i > 0; i--) {
    t += seconds(random, 5, 60);
    const product = pick(random, catalog);
    device.visit(t, `/p/${product.product_id}`, product.name, "Product");
    device.track(t, "Product Viewed", asProduct(product));
    if (chance(random, options.addChance ?? 0.45) || (options.mustAdd && i === 1 && cart.length === 0)) {
      t += seconds(random, 3, 30);
      const quantity = between(random, 1, 2);
      cart.push({ product, quantity });
      device.track(t, "Product Added", { ...asProduct(product, quantity), cart_id: `cart-${owner.caseId}` });
    }
  }
  return { at: t, cart };
}

export interface PaymentTry {
  card: Card;
  status: "authorized" | "declined";
  declineCode?: string;
}

export interface CheckoutPlan {
  cart: CartLine[];
  /** The order's amount when it is not the cart's (a takeover's big basket). */
  amount?: number;
  payments: PaymentTry[];
  billingCountry?: Country;
  shippingCountry?: Country;
  /** Seconds between payment attempts. */
  paymentGap?: [number, number];
  /** Seconds for each checkout step (a person: 10–60). */
  stepSeconds?: [number, number];
}

/**
 * Checkout in the browser, then the backend's payment attempts and, if the last one is authorized, the
 * order. Returns the time after and the order placed, if any.
 */
export function checkout(
  world: World,
  owner: Case,
  device: Device,
  shopper: () => ShopperRef,
  at: number,
  plan: CheckoutPlan,
): { at: number; orderId?: string; revenue: number; paymentIds: string[]; orderEventId?: string[] } {
  const random = world.random;
  const checkoutId = `chk-${owner.caseId}-${owner.checkoutIds.length}`;
  owner.checkoutIds.push(checkoutId);
  const amount = plan.amount ?? cartValue(plan.cart);
  const products = plan.cart.map((c) => asProduct(c.product, c.quantity));
  const [stepMin, stepMax] = plan.stepSeconds ?? [10, 60];
  let t = at;
  device.visit(t, "/checkout", "Checkout", "Checkout");
  device.track(t, "Checkout Started", { checkout_id: checkoutId, value: amount, currency: "BRL", products });
  t += seconds(random, stepMin, stepMax);
  device.track(t, "Checkout Step Completed", { checkout_id: checkoutId, step: 1, shipping_method: "standard" });
  t += seconds(random, stepMin, stepMax);
  device.track(t, "Payment Info Entered", { checkout_id: checkoutId, step: 2, payment_method: "card" });
  const [gapMin, gapMax] = plan.paymentGap ?? [5, 20];
  const paymentIds: string[] = [];
  for (const payment of plan.payments) {
    t += seconds(random, gapMin, gapMax);
    world.backend.track(
      t,
      shopper,
      "Payment Attempted",
      {
        checkout_id: checkoutId,
        amount,
        currency: "BRL",
        payment_method: "card",
        card_fingerprint: payment.card.fingerprint,
        card_bin: payment.card.bin,
        card_country: payment.card.country,
        status: payment.status,
        ...(payment.declineCode ? { decline_code: payment.declineCode } : {}),
      },
      (id) => paymentIds.push(id),
    );
  }
  const last = plan.payments.at(-1);
  if (last?.status !== "authorized") return { at: t, revenue: 0, paymentIds };
  t += seconds(random, 1, 5);
  const orderId = `order-${owner.caseId}-${owner.orderIds.length}`;
  owner.orderIds.push(orderId);
  const shipping = amount > 200 ? 0 : 15;
  world.backend.track(t, shopper, "Order Completed", {
    order_id: orderId,
    checkout_id: checkoutId,
    subtotal: amount,
    shipping,
    total: Math.round((amount + shipping) * 100) / 100,
    revenue: amount,
    currency: "BRL",
    products,
    payment_method: "card",
    card_fingerprint: last.card.fingerprint,
    billing_country: plan.billingCountry ?? "BR",
    shipping_country: plan.shippingCountry ?? "BR",
  });
  return { at: t, orderId, revenue: amount, paymentIds };
}
