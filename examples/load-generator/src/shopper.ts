import type { Device } from "./actors.js";
import { catalog } from "./catalog.js";
import { between, chance, pick } from "./random.js";
import { asProduct, browse, checkout, newCard, seconds, type World } from "./world.js";

export interface ShopperOutcome {
  orders: number;
  revenue: number;
  sessions: number;
}

/**
 * One ordinary shopper's visit, scheduled from `startAt` (no event later than `endAt`): browse, search,
 * view products, maybe add to cart, check out (the card payment and the order are sent by the shop's
 * backend) and buy; some come back later for a second session.
 */
export function scheduleShopper(world: World, startAt: number, endAt: number): ShopperOutcome {
  const random = world.random;
  const owner = world.open("shopper", startAt);
  const device = world.device(owner);
  const userId = `user-${owner.caseId}`;
  const shopper = () => ({ anonymousId: device.anonymousId, userId, ip: device.ip });
  const outcome: ShopperOutcome = { orders: 0, revenue: 0, sessions: 1 };
  const visited = browse(world, owner, device, startAt);
  let t = visited.at;

  if (visited.cart.length > 0 && t < endAt) {
    t += seconds(random, 5, 40);
    device.visit(t, "/cart", "Cart", "Cart");
    if (chance(random, 0.6)) {
      owner.userIds.push(userId);
      device.identify(t, userId, { plan: pick(random, ["basic", "gold"]) });
      const pays = chance(random, 0.75);
      const placed = checkout(world, owner, device, shopper, t + seconds(random, 5, 30), {
        cart: visited.cart,
        // Some leave at the payment step: no attempt, no order.
        payments: pays ? [{ card: newCard(world, owner, 0), status: "authorized" }] : [],
      });
      t = placed.at;
      if (placed.orderId) {
        outcome.orders += 1;
        outcome.revenue += placed.revenue;
      }
    }
  }

  // A returning shopper: a second session after more than the 30-minute inactivity gap.
  if (chance(random, 0.2) && t + 45 * 60_000 < endAt) {
    t += between(random, 45, 90) * 60_000;
    if (t <= endAt) {
      outcome.sessions += 1;
      returningVisit(world, device, t);
    }
  }
  return outcome;
}

function returningVisit(world: World, device: Device, at: number): void {
  device.visit(at, "/", "Shop", "Home");
  const t = at + seconds(world.random, 5, 30);
  browseOne(world, device, t);
}

function browseOne(world: World, device: Device, at: number): void {
  const product = pick(world.random, catalog);
  device.visit(at, `/p/${product.product_id}`, product.name, "Product");
  device.track(at, "Product Viewed", asProduct(product));
}
