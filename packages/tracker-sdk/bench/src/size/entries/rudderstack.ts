import { RudderAnalytics } from "@rudderstack/analytics-js";

const analytics = new RudderAnalytics();
analytics.load("wk_bench", "https://collect.shop.example");
analytics.track("Product Added", { product_id: "p-1", price: 19.99, currency: "EUR", quantity: 1 });
