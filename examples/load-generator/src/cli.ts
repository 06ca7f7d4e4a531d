#!/usr/bin/env node
import { parseArgs } from "node:util";
import { runLoad } from "./simulate.js";

const { values } = parseArgs({
  options: {
    host: {
      type: "string",
      default:
        process.env.COLLECTOR_URL ??
        `http://${process.env.COLLECTOR_HOST ?? "127.0.0.1"}:${process.env.COLLECTOR_PORT ?? "18080"}`,
    },
    "write-key": { type: "string", default: process.env.SHOP_WRITE_KEY ?? "demo-write-key" },
    shoppers: { type: "string", default: "40" },
    seed: { type: "string", default: "42" },
    "window-minutes": { type: "string", default: "120" },
  },
});

const shoppers = Number(values.shoppers);
const seed = Number(values.seed);
const windowMinutes = Number(values["window-minutes"]);
if (!Number.isInteger(shoppers) || shoppers < 1 || !Number.isInteger(seed) || !(windowMinutes > 0)) {
  console.error(
    "usage: shop-load-generator [--host URL] [--write-key KEY] [--shoppers N>0] [--seed INT] [--window-minutes M]",
  );
  process.exit(2);
}

const report = await runLoad({
  host: values.host,
  writeKey: values["write-key"],
  shoppers,
  seed,
  windowMs: windowMinutes * 60_000,
});
console.log(JSON.stringify(report));
process.exit(report.dropped > 0 ? 1 : 0);
