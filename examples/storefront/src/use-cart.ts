"use client";
import { useCallback, useEffect, useState } from "react";
import { addToCart, type CartLine, parseCartLines } from "./cart";

const key = "storefront.cart";
const cartIdKey = "storefront.cart_id";

function read(): CartLine[] {
  try {
    return parseCartLines(JSON.parse(localStorage.getItem(key) ?? "[]"));
  } catch {
    // A cart another version of the shop wrote, or hand-edited: start again rather than break the page.
    return [];
  }
}

/** The cart lives in the browser (localStorage), as in many small shops; the server prices it at checkout. */
export function useCart() {
  const [lines, setLines] = useState<CartLine[]>([]);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    setLines(read());
    setLoaded(true);
  }, []);
  const save = useCallback((next: CartLine[]) => {
    localStorage.setItem(key, JSON.stringify(next));
    setLines(next);
  }, []);
  return {
    lines,
    loaded,
    add: (productId: string, quantity = 1) => save(addToCart(read(), productId, quantity)),
    clear: () => {
      localStorage.removeItem(cartIdKey);
      save([]);
    },
    cartId: (): string => {
      let id = localStorage.getItem(cartIdKey);
      if (!id) {
        id = `cart-${crypto.randomUUID()}`;
        localStorage.setItem(cartIdKey, id);
      }
      return id;
    },
  };
}
