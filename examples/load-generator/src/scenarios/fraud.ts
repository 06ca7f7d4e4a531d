import type { Device, ShopperRef } from "../actors.js";
import type { Case, FraudScenario, HardNegativeScenario } from "../cases.js";
import { type Country, cardBins, catalog, declineCodes, headlessUserAgent } from "../catalog.js";
import { addressIn } from "../network.js";
import { between, chance, pick, type Random } from "../random.js";
import { browse, type Card, type CartLine, checkout, newCard, type PaymentTry, seconds, type World } from "../world.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Labelled fraud and hard-negative scenarios. Each schedules one case on the world's timeline: `at` is
 * when the decisive part happens (the attack, or the legitimate act that looks like one); a history it
 * needs (a customer's earlier orders) is scheduled before it, at most `historyDays` back.
 *
 * History stays within the last week because the lake sink dead-letters events more than 7 days late:
 * a replayed history must land in the lake like the rest of the run.
 */
export interface ScenarioOptions {
  historyDays: number;
}

export type ScheduleScenario = (world: World, at: number, options: ScenarioOptions) => Case;

const shopperOf = (device: Device, userId?: string) => (): ShopperRef => ({
  anonymousId: device.anonymousId,
  ...(userId ? { userId } : {}),
  ip: device.ip,
});

/** Shuffled copy (Fisher–Yates on the seeded PRNG). */
function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const oneProduct = (random: Random): CartLine[] => [{ product: pick(random, catalog), quantity: 1 }];

/** A signed-in visit: home, sign-in (identify + Signed In), browse. Returns the time after and the cart. */
function signedInVisit(
  world: World,
  owner: Case,
  device: Device,
  userId: string,
  at: number,
): { at: number; cart: CartLine[] } {
  const random = world.random;
  device.visit(at, "/login", "Sign in", "Sign In");
  const signedAt = at + seconds(random, 8, 25);
  device.identify(signedAt, userId);
  device.track(signedAt, "Signed In", { method: "password", status: "success" });
  return browse(world, owner, device, signedAt + seconds(random, 2, 10), { mustAdd: true });
}

/**
 * A known customer: `orders` signed-in visits from one device, each ending in an order of an amount in
 * `amounts`, spread over the days before `before` (the newest at least `quietHours` before it).
 */
function customerHistory(
  world: World,
  owner: Case,
  device: Device,
  userId: string,
  card: Card,
  before: number,
  options: ScenarioOptions & { orders: number; amounts: [number, number]; quietHours: number },
): number {
  const random = world.random;
  const span = Math.max(DAY, options.historyDays * DAY - options.quietHours * HOUR);
  let last = 0;
  for (let i = 0; i < options.orders; i++) {
    // Spread evenly (oldest first) with jitter, so visits never overlap.
    const slot = span / options.orders;
    const start = before - options.quietHours * HOUR - span + i * slot + Math.floor(random() * slot * 0.5);
    const visited = signedInVisit(world, owner, device, userId, start);
    const placed = checkout(world, owner, device, shopperOf(device, userId), visited.at + seconds(random, 5, 30), {
      cart: visited.cart,
      amount: between(random, options.amounts[0], options.amounts[1]),
      payments: [{ card, status: "authorized" }],
    });
    last = placed.at;
  }
  return last;
}

/**
 * Opens a case around a known customer: a user id, a home device in Brazil, a saved card, and a week
 * of orders of an amount in `amounts` from that device, the newest at least `quietHours` before `at`.
 */
function knownCustomer(
  world: World,
  scenario: FraudScenario | HardNegativeScenario,
  at: number,
  options: ScenarioOptions & { amounts: [number, number]; quietHours: number },
): { owner: Case; userId: string; home: Device; card: Card } {
  const owner = world.open(scenario, at);
  const userId = `user-${owner.caseId}`;
  owner.userIds.push(userId);
  const home = world.device(owner, { country: "BR" });
  const card = newCard(world, owner, 0);
  customerHistory(world, owner, home, userId, card, at, { ...options, orders: between(world.random, 5, 7) });
  return { owner, userId, home, card };
}

/**
 * Card testing: a fraudster with a list of stolen cards tries them one after another on one checkout,
 * from an address abroad: 8 attempts with 8 cards of different issuers, 7 declined, the last one passes.
 */
export const cardTesting: ScheduleScenario = (world, at) => {
  const random = world.random;
  const owner = world.open("card_testing", at);
  const device = world.device(owner, { country: pick(random, ["NG", "US", "DE"] as const), campaign: "none" });
  const visited = browse(world, owner, device, at, { products: 1, mustAdd: true, addChance: 1 });
  const bins = shuffled(random, cardBins);
  const payments: PaymentTry[] = bins.map((bin, n) => ({
    card: { fingerprint: `fp-${owner.caseId}-${n}`, bin, country: pick(random, ["BR", "US", "DE"] as const) },
    status: n === bins.length - 1 ? "authorized" : "declined",
    ...(n === bins.length - 1 ? {} : { declineCode: pick(random, declineCodes) }),
  }));
  checkout(world, owner, device, shopperOf(device), visited.at + seconds(random, 3, 10), {
    cart: visited.cart,
    payments,
    paymentGap: [4, 15],
    stepSeconds: [3, 10],
  });
  return owner;
};

/**
 * Account takeover: a customer's account (a week of orders of 100–250 from one device in Brazil) is
 * signed in from a new device abroad; the password is reset and/or the shipping address changed, and
 * a big order is placed with the customer's saved card.
 */
export const accountTakeover: ScheduleScenario = (world, at, options) => {
  const random = world.random;
  const { owner, userId, card } = knownCustomer(world, "account_takeover", at, {
    ...options,
    amounts: [100, 250],
    quietHours: 12,
  });
  const abroad: Country = pick(random, ["NG", "US", "DE"] as const);
  const thief = world.device(owner, { country: abroad, campaign: "none" });
  const thiefRef = shopperOf(thief, userId);
  let t = at;
  thief.visit(t, "/login", "Sign in", "Sign In");
  const resets = chance(random, 0.5);
  if (resets) {
    t += seconds(random, 20, 90);
    world.backend.track(t, thiefRef, "Password Reset", {});
  }
  t += seconds(random, 20, 60);
  thief.identify(t, userId);
  thief.track(t, "Signed In", { method: "password", status: "success" });
  const shippingCountry = pick(random, ["BR", abroad] as const);
  if (!resets || chance(random, 0.5)) {
    t += seconds(random, 10, 40);
    thief.visit(t, "/account/address", "Address", "Address");
    thief.track(t, "Shipping Address Changed", { shipping_country: shippingCountry });
  }
  const visited = browse(world, owner, thief, t + seconds(random, 5, 20), { products: 1, mustAdd: true, addChance: 1 });
  checkout(world, owner, thief, thiefRef, visited.at + seconds(random, 5, 20), {
    cart: visited.cart,
    amount: between(random, 1500, 3000),
    payments: [{ card, status: "authorized" }],
    billingCountry: "BR",
    shippingCountry,
    stepSeconds: [5, 20],
  });
  return owner;
};

/**
 * A checkout bot: either a headless browser that browses and buys in seconds, or a script that opens
 * the shop and goes straight to checkout (no product viewed) within a few seconds.
 */
export const botCheckout: ScheduleScenario = (world, at) => {
  const random = world.random;
  const owner = world.open("bot_checkout", at);
  const headless = chance(random, 0.5);
  const device = world.device(owner, {
    country: pick(random, ["BR", "US"] as const),
    campaign: "none",
    ...(headless ? { userAgent: headlessUserAgent } : {}),
  });
  const card = newCard(world, owner, 0, "BR");
  let t = at;
  let cart: CartLine[];
  if (headless) {
    const visited = browse(world, owner, device, t, { products: 1, mustAdd: true, addChance: 1 });
    t = visited.at;
    cart = visited.cart;
  } else {
    device.visit(t, "/", "Shop", "Home");
    cart = oneProduct(random);
  }
  checkout(world, owner, device, shopperOf(device), t + seconds(random, 2, 6), {
    cart,
    payments: [{ card, status: "authorized" }],
    stepSeconds: [1, 3],
    paymentGap: [1, 3],
  });
  return owner;
};

/** A big legitimate spender: a week of orders of 1000–1500 from one device, now one of 2400–2900 (under 3×). */
export const bigSpender: ScheduleScenario = (world, at, options) => {
  const random = world.random;
  const { owner, userId, home, card } = knownCustomer(world, "big_spender", at, {
    ...options,
    amounts: [1000, 1500],
    quietHours: 6,
  });
  const visited = signedInVisit(world, owner, home, userId, at);
  checkout(world, owner, home, shopperOf(home, userId), visited.at + seconds(random, 5, 30), {
    cart: visited.cart,
    amount: between(random, 2400, 2900),
    payments: [{ card, status: "authorized" }],
  });
  return owner;
};

/**
 * A traveller: a customer (orders of 200–350 from one device in Brazil, the last visit 3–5 hours ago)
 * signs in from Portugal on the same device and orders 500–580, billed in Brazil. New country and a
 * billing mismatch, but the known device, enough time to fly, and an amount under 3× the usual.
 */
export const traveller: ScheduleScenario = (world, at, options) => {
  const random = world.random;
  const { owner, userId, home, card } = knownCustomer(world, "traveller", at, {
    ...options,
    amounts: [200, 350],
    quietHours: 24,
  });
  // The last visit at home, a few hours before the flight lands.
  browse(world, owner, home, at - between(random, 3 * 60, 5 * 60) * 60_000, { products: 2 });
  // The same phone, now on a Portuguese network.
  home.moveTo(at - 60_000, addressIn(random, "PT"));
  const visited = signedInVisit(world, owner, home, userId, at);
  checkout(world, owner, home, shopperOf(home, userId), visited.at + seconds(random, 5, 30), {
    cart: visited.cart,
    amount: between(random, 500, 580),
    payments: [{ card, status: "authorized" }],
    billingCountry: "BR",
    shippingCountry: "PT",
  });
  return owner;
};

/** A customer whose first card is declined (insufficient funds) and who then pays with another card. */
export const declinedOnce: ScheduleScenario = (world, at) => {
  const random = world.random;
  const owner = world.open("declined_once", at);
  const userId = `user-${owner.caseId}`;
  owner.userIds.push(userId);
  const device = world.device(owner, { country: "BR" });
  const visited = browse(world, owner, device, at, { mustAdd: true });
  device.identify(visited.at, userId);
  const first = newCard(world, owner, 0);
  const second = chance(random, 0.5) ? first : newCard(world, owner, 1);
  checkout(world, owner, device, shopperOf(device, userId), visited.at + seconds(random, 5, 30), {
    cart: visited.cart,
    payments: [
      { card: first, status: "declined", declineCode: "insufficient_funds" },
      { card: second, status: "authorized" },
    ],
    paymentGap: [20, 60],
  });
  return owner;
};

export const scenarios: Record<FraudScenario | HardNegativeScenario, ScheduleScenario> = {
  card_testing: cardTesting,
  account_takeover: accountTakeover,
  bot_checkout: botCheckout,
  big_spender: bigSpender,
  traveller,
  declined_once: declinedOnce,
};
