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
