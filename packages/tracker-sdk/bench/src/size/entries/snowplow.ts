import { newTracker, trackSelfDescribingEvent } from "@snowplow/browser-tracker";

newTracker("sp", "https://collect.shop.example", { appId: "shop" });
trackSelfDescribingEvent({
  event: {
    schema: "iglu:com.shop/product_added/jsonschema/1-0-0",
    data: { product_id: "p-1", price: 19.99, currency: "EUR", quantity: 1 },
  },
});
