import { asEventProduct, type CatalogProduct, findProduct } from "./catalog";

export interface CartLine {
  readonly productId: string;
  readonly quantity: number;
}

export class CartError extends Error {
  constructor(
    readonly code: "empty_cart" | "unknown_product" | "bad_quantity",
    message: string,
  ) {
    super(message);
    this.name = "CartError";
  }
}

export function addToCart(lines: readonly CartLine[], productId: string, quantity = 1): CartLine[] {
  const existing = lines.find((l) => l.productId === productId);
  if (!existing) return [...lines, { productId, quantity }];
  return lines.map((l) => (l.productId === productId ? { productId, quantity: l.quantity + quantity } : l));
}

export interface PricedLine {
  readonly product: CatalogProduct;
  readonly quantity: number;
}

/**
 * The cart priced from the catalogue. The server prices the order itself from the ids and quantities:
 * a price sent by the browser is never trusted.
 */
export function priceCart(lines: readonly CartLine[]): { lines: PricedLine[]; total: number } {
  if (lines.length === 0) throw new CartError("empty_cart", "the cart is empty");
  const priced = lines.map((line) => {
    const product = findProduct(line.productId);
    if (!product) throw new CartError("unknown_product", `no product ${JSON.stringify(line.productId)}`);
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > 99) {
      throw new CartError("bad_quantity", `quantity of ${line.productId} must be a whole number from 1 to 99`);
    }
    return { product, quantity: line.quantity };
  });
  // Cents, so that 3 × 24.5 + 19.9 is 93.4 and not 93.39999999999999.
  const cents = priced.reduce((sum, l) => sum + Math.round(l.product.price * 100) * l.quantity, 0);
  return { lines: priced, total: cents / 100 };
}

export const eventProducts = (lines: readonly PricedLine[]) => lines.map((l) => asEventProduct(l.product, l.quantity));

/** Reads a cart from untrusted JSON (localStorage, a request body); anything else is an empty cart or an error. */
export function parseCartLines(value: unknown): CartLine[] {
  if (!Array.isArray(value)) throw new CartError("empty_cart", "the cart must be a list of lines");
  return value.map((v) => {
    const line = v as { productId?: unknown; quantity?: unknown };
    if (typeof line?.productId !== "string" || typeof line.quantity !== "number") {
      throw new CartError("bad_quantity", "each cart line needs a productId (text) and a quantity (number)");
    }
    return { productId: line.productId, quantity: line.quantity };
  });
}
