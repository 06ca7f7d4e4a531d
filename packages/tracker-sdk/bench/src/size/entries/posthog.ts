import { posthog } from "posthog-js";

posthog.init("phc_bench", { api_host: "https://collect.shop.example" });
posthog.capture("Product Added", { product_id: "p-1", price: 19.99, currency: "EUR", quantity: 1 });
