import { createTracker, type Tracker, type TrackerDependencies } from "@shop/tracker";
import { type CatalogProduct, campaigns, catalog, userAgents } from "./catalog.js";
import { between, chance, pick, type Random } from "./random.js";

export interface SimulationOptions {
  host: string;
  writeKey: string;
  random: Random;
  /** Simulated start of this shopper's visit, epoch ms. */
  startAt: number;
  /** No simulated event may be later than this (events cannot come from the future). */
  endAt: number;
  transport: TrackerDependencies["transport"];
  shopperIndex: number;
}

export interface ShopperOutcome {
  events: number;
  orders: number;
  revenue: number;
  sessions: number;
  tracker: Tracker;
}

const SHOP = "https://shop.example";

/**
 * One shopper's visit, driven through the real SDK with a simulated clock: browse, search, view
 * products, maybe add to cart, check out and buy; some come back later for a second session.
 */
export function simulateShopper(options: SimulationOptions): ShopperOutcome {
  const { random } = options;
  let clock = options.startAt;
  const page = { url: `${SHOP}/`, path: "/", title: "Shop", referrer: "", search: "" };
  const campaign = chance(random, 0.4) ? pick(random, campaigns) : undefined;
  const userAgent = pick(random, userAgents);
  const tracker = createTracker(
    { host: options.host, writeKey: options.writeKey, flushAt: 20, flushIntervalMs: 60_000 },
    {
      transport: options.transport,
      now: () => clock,
      random,
      platformContext: () => ({
        page: { ...page },
        ...(campaign ? { campaign: { ...campaign } } : {}),
        userAgent,
        locale: "pt-BR",
        timezone: "America/Sao_Paulo",
      }),
    },
  );
  const outcome: ShopperOutcome = { events: 0, orders: 0, revenue: 0, sessions: 1, tracker };
  const wait = (minSeconds: number, maxSeconds: number) => {
    clock = Math.min(options.endAt, clock + between(random, minSeconds, maxSeconds) * 1000);
  };
  const visit = (path: string, title: string, name: string) => {
    page.referrer = page.url;
    page.path = path;
    page.url = `${SHOP}${path}${campaign && path === "/" ? `?utm_source=${campaign.source}` : ""}`;
    page.search = campaign && path === "/" ? `?utm_source=${campaign.source}` : "";
    page.title = title;
    tracker.page(name);
    outcome.events += 1;
  };
  const track = (...args: Parameters<Tracker["track"]>) => {
    tracker.track(...args);
    outcome.events += 1;
  };
  const asProduct = (p: CatalogProduct, quantity?: number) => ({
    product_id: p.product_id,
    sku: p.sku,
    name: p.name,
    category: p.category,
    brand: p.brand,
    price: p.price,
    currency: "BRL",
    ...(quantity ? { quantity } : {}),
  });

  visit("/", "Shop", "Home");
  if (chance(random, 0.5)) {
    wait(3, 20);
    track("Products Searched", { query: pick(random, ["running shoes", "jacket", "watch", "bottle"]) });
  }
  wait(5, 30);
  const category = pick(random, catalog).category;
  visit(`/c/${category.toLowerCase()}`, category, "Category");
  track("Product List Viewed", {
    category,
    products: catalog.filter((p) => p.category === category).map((p) => asProduct(p)),
  });

  const cart: Array<{ product: CatalogProduct; quantity: number }> = [];
  for (let i = between(random, 1, 4); i > 0; i--) {
    wait(5, 60);
    const product = pick(random, catalog);
    visit(`/p/${product.product_id}`, product.name, "Product");
    track("Product Viewed", asProduct(product));
    if (chance(random, 0.45)) {
      wait(3, 30);
      const quantity = between(random, 1, 2);
      cart.push({ product, quantity });
      track("Product Added", { ...asProduct(product, quantity), cart_id: `cart-${options.shopperIndex}` });
    }
  }

  if (cart.length > 0) {
    wait(5, 40);
    visit("/cart", "Cart", "Cart");
    track("Cart Viewed", {
      cart_id: `cart-${options.shopperIndex}`,
      products: cart.map((c) => asProduct(c.product, c.quantity)),
    });
    if (chance(random, 0.6)) {
      const checkoutId = `chk-${options.shopperIndex}`;
      const subtotal = Math.round(cart.reduce((sum, c) => sum + c.product.price * c.quantity, 0) * 100) / 100;
      tracker.identify(`user-${options.shopperIndex}`, { plan: pick(random, ["basic", "gold"]) });
      outcome.events += 1;
      wait(5, 30);
      visit("/checkout", "Checkout", "Checkout");
      track("Checkout Started", {
        checkout_id: checkoutId,
        value: subtotal,
        currency: "BRL",
        products: cart.map((c) => asProduct(c.product, c.quantity)),
      });
      wait(10, 60);
      track("Checkout Step Completed", { checkout_id: checkoutId, step: 1, shipping_method: "standard" });
      wait(10, 60);
      track("Payment Info Entered", {
        checkout_id: checkoutId,
        step: 2,
        payment_method: pick(random, ["card", "pix", "boleto"]),
      });
      if (chance(random, 0.75)) {
        wait(5, 20);
        const shipping = subtotal > 200 ? 0 : 15;
        const revenue = subtotal;
        track("Order Completed", {
          order_id: `order-${options.shopperIndex}`,
          checkout_id: checkoutId,
          subtotal,
          shipping,
          total: Math.round((subtotal + shipping) * 100) / 100,
          revenue,
          currency: "BRL",
          products: cart.map((c) => asProduct(c.product, c.quantity)),
        });
        outcome.orders += 1;
        outcome.revenue += revenue;
      }
    }
  }

  // A returning shopper: a second session after more than the 30-minute inactivity gap.
  if (chance(random, 0.2) && clock + 45 * 60_000 < options.endAt) {
    clock += between(random, 45, 90) * 60_000;
    clock = Math.min(clock, options.endAt);
    outcome.sessions += 1;
    visit("/", "Shop", "Home");
    wait(5, 30);
    const product = pick(random, catalog);
    visit(`/p/${product.product_id}`, product.name, "Product");
    track("Product Viewed", asProduct(product));
  }
  return outcome;
}
