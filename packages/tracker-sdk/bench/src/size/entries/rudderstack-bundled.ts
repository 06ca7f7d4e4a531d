// The variant that ships its plugins in the bundle instead of loading them from RudderStack's CDN.
import { RudderAnalytics } from "@rudderstack/analytics-js/bundled";

const analytics = new RudderAnalytics();
analytics.load("wk_bench", "https://collect.shop.example");
analytics.track("Product Added", { product_id: "p-1", price: 19.99, currency: "EUR", quantity: 1 });
