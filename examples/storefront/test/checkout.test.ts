import { describe, expect, it } from "vitest";
import { CartError, parseCartLines, priceCart } from "../src/cart";
import { CheckoutInputError, checkout, parseCheckoutRequest } from "../src/checkout";
import { clientIp } from "../src/client-ip";
import { ConfigError, loadConfig } from "../src/config";
import { PaymentInputError, pay } from "../src/payment";

const request = {
  checkoutId: "chk-1",
  lines: [
    { productId: "sku-200", quantity: 3 },
    { productId: "sku-300", quantity: 1 },
  ],
  cardNumber: "4242 4242 4242 4242",
  anonymousId: "anon-1",
};

describe("priceCart", () => {
  it("prices from the catalogue in cents, so 3 × 24.5 + 19.9 is exactly 93.4", () => {
    expect(priceCart(request.lines).total).toBe(93.4);
  });
  it("refuses an unknown product, a bad quantity and an empty cart with their codes", () => {
    expect(() => priceCart([{ productId: "sku-nope", quantity: 1 }])).toThrow(
      expect.objectContaining({ code: "unknown_product" }),
    );
    expect(() => priceCart([{ productId: "sku-100", quantity: 0.5 }])).toThrow(
      expect.objectContaining({ code: "bad_quantity" }),
    );
    expect(() => priceCart([])).toThrow(CartError);
  });
  it("reads only well-formed lines from untrusted JSON", () => {
    expect(() => parseCartLines([{ productId: 1, quantity: 1 }])).toThrow(CartError);
    expect(() => parseCartLines("x")).toThrow(CartError);
  });
});

describe("pay (the simulated provider)", () => {
  it("authorizes an ordinary card and keeps only its BIN and an opaque token", () => {
    const result = pay("4242-4242-4242-4242");
    expect(result).toMatchObject({ status: "authorized", cardBin: "424242" });
    expect(JSON.stringify(result)).not.toContain("4242424242424242");
    expect(pay("4242424242424242").cardFingerprint).toBe(result.cardFingerprint);
  });
  it("declines the test cards ending in 0002 and 0069 with their codes", () => {
    expect(pay("4000000000000002")).toMatchObject({ status: "declined", declineCode: "insufficient_funds" });
    expect(pay("4000000000000069")).toMatchObject({ status: "declined", declineCode: "invalid_cvc" });
  });
  it("refuses what is not a card number", () => {
    expect(() => pay("12ab")).toThrow(PaymentInputError);
  });
});

describe("checkout", () => {
  it("an authorized payment gives the payment attempt and the order, priced by the server", () => {
    const { answer, events } = checkout({ ...request, lines: request.lines }, "order-1");
    expect(answer).toEqual({ status: "authorized", orderId: "order-1", total: 93.4 });
    expect(events.map((e) => e.event)).toEqual(["Payment Attempted", "Order Completed"]);
    expect(events[0]?.properties).toMatchObject({ order_id: "order-1", amount: 93.4, status: "authorized" });
    expect(events[1]?.properties).toMatchObject({
      order_id: "order-1",
      checkout_id: "chk-1",
      revenue: 93.4,
      shipping: 15,
      total: 108.4,
      currency: "BRL",
      products: [
        { product_id: "sku-200", quantity: 3, price: 24.5 },
        { product_id: "sku-300", quantity: 1, price: 19.9 },
      ],
    });
  });
  it("a declined payment gives the attempt only, with its decline code and no order", () => {
    const { answer, events } = checkout({ ...request, cardNumber: "4000000000000002" }, "order-2");
    expect(answer).toEqual({ status: "declined", declineCode: "insufficient_funds" });
    expect(events).toHaveLength(1);
    expect(events[0]?.properties).toMatchObject({ status: "declined", decline_code: "insufficient_funds" });
    expect(events[0]?.properties).not.toHaveProperty("order_id");
  });
  it("reads a request body and names the first bad field", () => {
    expect(parseCheckoutRequest({ ...request, userId: "u-1" })).toMatchObject({ userId: "u-1" });
    expect(() => parseCheckoutRequest({ ...request, anonymousId: "" })).toThrow(/anonymousId/);
    expect(() => parseCheckoutRequest(null)).toThrow(CheckoutInputError);
  });
});

describe("clientIp", () => {
  it("takes the entry the trusted proxies vouch for, not what the client wrote", () => {
    expect(clientIp("6.6.6.6, 179.100.1.2, 10.0.0.1", 2)).toBe("179.100.1.2");
    expect(clientIp("6.6.6.6, 179.100.1.2", 1)).toBe("179.100.1.2");
  });
  it("without a proxy, the connection's address that next start wrote; nothing for garbage", () => {
    expect(clientIp("::ffff:127.0.0.1", 0)).toBe("127.0.0.1");
    expect(clientIp("not-an-ip", 0)).toBeUndefined();
    expect(clientIp(null, 0)).toBeUndefined();
    expect(clientIp("179.100.1.2", 3)).toBeUndefined();
  });
});

describe("loadConfig", () => {
  const good = {
    STOREFRONT_COLLECTOR_URL: "http://127.0.0.1:18080/",
    STOREFRONT_WRITE_KEY: "web",
    STOREFRONT_SERVER_WRITE_KEY: "server",
  };
  it("fills the backend's collector from the browser's and trims the trailing slash", () => {
    expect(loadConfig(good)).toEqual({
      collectorUrl: "http://127.0.0.1:18080",
      serverCollectorUrl: "http://127.0.0.1:18080",
      writeKey: "web",
      serverWriteKey: "server",
      trustedProxyHops: 0,
    });
  });
  it("reports every problem at once", () => {
    try {
      loadConfig({ STOREFRONT_COLLECTOR_URL: "ftp://x", STOREFRONT_TRUSTED_PROXY_HOPS: "-1" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toHaveLength(5);
    }
  });
});
