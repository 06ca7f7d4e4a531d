export interface CatalogProduct {
  product_id: string;
  sku: string;
  name: string;
  category: string;
  brand: string;
  price: number;
}

export const catalog: readonly CatalogProduct[] = [
  { product_id: "sku-100", sku: "RUN-100", name: "Trail Runner", category: "Shoes", brand: "Fleet", price: 89.9 },
  { product_id: "sku-101", sku: "RUN-101", name: "Road Racer", category: "Shoes", brand: "Fleet", price: 129.0 },
  { product_id: "sku-200", sku: "TEE-200", name: "Dry Tee", category: "Apparel", brand: "Loop", price: 24.5 },
  { product_id: "sku-201", sku: "JKT-201", name: "Rain Jacket", category: "Apparel", brand: "Loop", price: 149.0 },
  { product_id: "sku-300", sku: "BTL-300", name: "Steel Bottle", category: "Accessories", brand: "Oasis", price: 19.9 },
  { product_id: "sku-301", sku: "WCH-301", name: "GPS Watch", category: "Electronics", brand: "Pace", price: 299.0 },
];

export const campaigns = [
  { source: "google", medium: "cpc", name: "black-friday" },
  { source: "newsletter", medium: "email", name: "weekly-deals" },
  { source: "instagram", medium: "social", name: "summer-run" },
] as const;

export const userAgents = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Mobile Safari/537.36",
] as const;

/**
 * Address blocks (/16) whose every address the collector's shipped country database
 * (@ip-location-db/geo-whois-asn-country-mmdb) places in one country: shoppers get addresses from
 * here, so geo_country is what the scenario means. test/network.test.ts checks each block.
 */
export const addressBlocks = {
  BR: ["179.100", "186.200", "187.50", "189.20", "191.30", "177.100", "179.200", "187.100", "189.100"],
  PT: ["85.240", "85.241", "85.242", "85.243"],
  NG: ["41.58", "41.184", "105.112"],
  DE: ["91.0", "84.128", "79.192"],
  US: ["8.8", "24.0"],
} as const;
export type Country = keyof typeof addressBlocks;

/** What a headless browser driven by a script announces (the collector classifies it as a bot). */
export const headlessUserAgent =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36";

/** Card BINs (first 6 digits: the issuer) of the simulated shoppers' cards. */
export const cardBins = ["516292", "552289", "406655", "438935", "498401", "536518", "457393", "650516"] as const;
export const declineCodes = ["insufficient_funds", "do_not_honor", "card_declined", "invalid_cvc"] as const;
