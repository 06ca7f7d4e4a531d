"use client";
import { productAdded, productViewed } from "@shop/tracker/ecommerce";
import { useTracker } from "@shop/tracker/react";
import { useEffect, useRef, useState } from "react";
import { useCart } from "../../../src/use-cart";

export function AddToCart({ product }: { product: { product_id: string } & Record<string, unknown> }) {
  const tracker = useTracker();
  const cart = useCart();
  const [added, setAdded] = useState(0);
  const viewed = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (viewed.current === product.product_id) return;
    viewed.current = product.product_id;
    productViewed(tracker, product);
  }, [tracker, product]);
  return (
    <p>
      <button
        type="button"
        data-testid="add-to-cart"
        onClick={() => {
          cart.add(product.product_id, 1);
          productAdded(tracker, { ...product, quantity: 1, cart_id: cart.cartId() });
          setAdded((n) => n + 1);
        }}
      >
        Add to cart
      </button>{" "}
      {added > 0 && <span data-testid="added">Added ({added})</span>}
    </p>
  );
}
