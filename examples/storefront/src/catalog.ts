// The load generator's products: the simulated shoppers and the storefront sell the same things.
import { type CatalogProduct, catalog } from "../../load-generator/src/catalog";

export type { CatalogProduct };
export { catalog };

export function findProduct(productId: string): CatalogProduct | undefined {
  return catalog.find((p) => p.product_id === productId);
}

const brl = new Intl.NumberFormat("pt-BR", { style: "currency", currency: "BRL" });
export const formatBrl = (amount: number): string => brl.format(amount);

/** A product as the e-commerce spec's events carry it. */
export const asEventProduct = (p: CatalogProduct, quantity?: number) => ({
  product_id: p.product_id,
  sku: p.sku,
  name: p.name,
  category: p.category,
  brand: p.brand,
  price: p.price,
  currency: "BRL",
  ...(quantity ? { quantity } : {}),
});
