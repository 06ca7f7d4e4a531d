import { createTracker } from "@shop/tracker";

const tracker = createTracker({ host: "https://collect.shop.example", writeKey: "wk_bench" });
tracker.track("Product Added", { product_id: "p-1", price: 19.99, currency: "EUR", quantity: 1 });
