import { type CatalogProduct, campaigns, cardBins, catalog, userAgents } from "./catalog.js";
import { addressIn } from "./network.js";
import { between, chance, pick, type Random } from "./random.js";

/** Where a browser shopper may leave the storefront: after each page of the way to an order. */
export const journeySteps = ["list", "product", "added", "cart", "checkout"] as const;
export type JourneyStep = (typeof journeySteps)[number];

/** How likely a shopper who got to a step leaves there (the rest go on). */
const leaveChance: Record<JourneyStep, number> = {
  list: 0.15,
  product: 0.3,
  added: 0.1,
  cart: 0.2,
  checkout: 0.2,
};

/** What one browser shopper will do in the storefront, decided before the browser opens (pure, seeded). */
export interface Journey {
  /** Sent to the storefront and the collector in X-Forwarded-For (the CDN's part): a BR block. */
  ip: string;
  /** undefined: Chromium's own, which says HeadlessChrome (a bot, to the collector). */
  userAgent?: string;
  /** Lands on the first product's page instead of the list (a script that knows where to go). */
  direct?: boolean;
  /** Signs in (the storefront's pretend sign-in) before browsing. */
  email?: string;
  /** The first page's query string: a campaign's UTM parameters, or "". */
  landingQuery: string;
  /** Products viewed in order; the last one is put in the cart if the shopper gets that far. */
  products: CatalogProduct[];
  /** The step the shopper leaves after; undefined: goes on to pay. */
  leavesAfter?: JourneyStep;
  /** 16 digits with one of the simulated issuers' BINs; one ending in 0002 is declined by the storefront. */
  card: string;
  declined: boolean;
}

/** Some shoppers' cards are declined: the storefront declines numbers ending in 0002 (insufficient funds). */
const DECLINED_CHANCE = 0.15;

/** `shopperId` makes the sign-in address (so the account) the run's and the shopper's own. */
export function planJourney(random: Random, shopperId: string): Journey {
  const ip = addressIn(random, "BR");
  const userAgent = pick(random, userAgents);
  const signsIn = chance(random, 0.3);
  const campaign = chance(random, 0.4) ? pick(random, campaigns) : undefined;
  const products = Array.from({ length: between(random, 1, 3) }, () => pick(random, catalog));
  const leavesAfter = journeySteps.find((step) => chance(random, leaveChance[step]));
  const declined = chance(random, DECLINED_CHANCE);
  const middle = Array.from({ length: 6 }, () => between(random, 0, 9)).join("");
  const last = declined ? "0002" : String(between(random, 1000, 9999));
  return {
    ip,
    userAgent,
    ...(signsIn ? { email: `shopper-${shopperId}@example.com` } : {}),
    landingQuery: campaign
      ? `?utm_source=${campaign.source}&utm_medium=${campaign.medium}&utm_campaign=${campaign.name}`
      : "",
    products,
    ...(leavesAfter ? { leavesAfter } : {}),
    card: `${pick(random, cardBins)}${middle}${last}`,
    declined,
  };
}

/**
 * A checkout bot through the storefront: headless Chromium announcing itself, straight to a product's page,
 * into the cart, through checkout and paid with a card that passes, without a pause (the caller's think time).
 */
export function planBotJourney(random: Random): Journey {
  const middle = Array.from({ length: 6 }, () => between(random, 0, 9)).join("");
  return {
    ip: addressIn(random, pick(random, ["BR", "US"] as const)),
    direct: true,
    landingQuery: "",
    products: [pick(random, catalog)],
    card: `${pick(random, cardBins)}${middle}${between(random, 1000, 9999)}`,
    declined: false,
  };
}

/** Whether a shopper on this journey goes past `step` (has not left at it or before). */
export function goesPast(journey: Journey, step: JourneyStep): boolean {
  if (!journey.leavesAfter) return true;
  return journeySteps.indexOf(step) < journeySteps.indexOf(journey.leavesAfter);
}
