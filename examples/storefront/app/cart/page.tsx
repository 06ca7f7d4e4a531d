"use client";
import { cartViewed, checkoutStarted } from "@shop/tracker/ecommerce";
import { useTracker } from "@shop/tracker/react";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { eventProducts, priceCart } from "../../src/cart";
import { formatBrl } from "../../src/catalog";
import { useCart } from "../../src/use-cart";

export default function CartPage() {
  const tracker = useTracker();
  const router = useRouter();
  const cart = useCart();
  const viewed = useRef(false);
  const priced = cart.lines.length > 0 ? priceCart(cart.lines) : undefined;
  useEffect(() => {
    if (!cart.loaded || viewed.current) return;
    viewed.current = true;
    cartViewed(tracker, { cart_id: cart.cartId(), products: priced ? eventProducts(priced.lines) : [] });
  }, [cart, tracker, priced]);
  if (!priced) return <main data-testid="cart-empty">{cart.loaded ? "Your cart is empty." : null}</main>;
  return (
    <main>
      <h1>Cart</h1>
      <ul data-testid="cart-lines">
        {priced.lines.map((l) => (
          <li key={l.product.product_id} data-testid={`cart-line-${l.product.product_id}`}>
            {l.quantity} × {l.product.name} — {formatBrl(l.product.price * l.quantity)}
          </li>
        ))}
      </ul>
      <p data-testid="cart-total">Total: {formatBrl(priced.total)}</p>
      <button
        type="button"
        data-testid="checkout"
        onClick={() => {
          const checkoutId = `chk-${crypto.randomUUID()}`;
          checkoutStarted(tracker, {
            checkout_id: checkoutId,
            value: priced.total,
            currency: "BRL",
            products: eventProducts(priced.lines),
          });
          router.push(`/checkout?checkout_id=${checkoutId}`);
        }}
      >
        Check out
      </button>
    </main>
  );
}
