"use client";
import { paymentInfoEntered } from "@shop/tracker/ecommerce";
import { useTracker } from "@shop/tracker/react";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useState } from "react";
import { priceCart } from "../../src/cart";
import { formatBrl } from "../../src/catalog";
import type { CheckoutAnswer, CheckoutRequest } from "../../src/checkout";
import { useCart } from "../../src/use-cart";

export function CheckoutForm() {
  const tracker = useTracker();
  const router = useRouter();
  const cart = useCart();
  const checkoutId = useSearchParams().get("checkout_id") ?? "";
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  if (!cart.loaded) return null;
  if (cart.lines.length === 0 || !checkoutId) return <p data-testid="cart-empty">Nothing to check out.</p>;
  const { total } = priceCart(cart.lines);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const cardNumber = String(new FormData(event.currentTarget).get("card") ?? "");
    setBusy(true);
    setError(undefined);
    paymentInfoEntered(tracker, { checkout_id: checkoutId, step: 2, payment_method: "card" });
    const userId = tracker.user().id();
    const body: CheckoutRequest = {
      checkoutId,
      lines: cart.lines,
      cardNumber,
      anonymousId: tracker.anonymousId(),
      ...(userId ? { userId } : {}),
    };
    try {
      const response = await fetch("/api/checkout", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as CheckoutAnswer;
      if (answer.status === "authorized") {
        cart.clear();
        router.push(`/order/${answer.orderId}`);
        return;
      }
      setError(answer.status === "declined" ? `Payment declined (${answer.declineCode})` : answer.message);
    } catch {
      setError("The shop could not be reached; nothing was charged. Try again.");
    }
    setBusy(false);
  }

  return (
    <form onSubmit={submit}>
      <p data-testid="checkout-total">To pay: {formatBrl(total)}</p>
      <label>
        Card number{" "}
        <input name="card" data-testid="card-number" inputMode="numeric" autoComplete="cc-number" required />
      </label>{" "}
      <button type="submit" data-testid="pay" disabled={busy}>
        Pay
      </button>
      {error && (
        <p role="alert" data-testid="payment-error">
          {error}
        </p>
      )}
    </form>
  );
}
