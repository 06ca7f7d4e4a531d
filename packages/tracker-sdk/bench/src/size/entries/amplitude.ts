import { init, track } from "@amplitude/analytics-browser";

init("amp_bench");
track("Product Added", { product_id: "p-1", price: 19.99, currency: "EUR", quantity: 1 });
