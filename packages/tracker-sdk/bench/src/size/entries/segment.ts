import { AnalyticsBrowser } from "@segment/analytics-next";

const analytics = AnalyticsBrowser.load({ writeKey: "wk_bench" });
void analytics.track("Product Added", { product_id: "p-1", price: 19.99, currency: "EUR", quantity: 1 });
