import { newTracker, trackSelfDescribingEvent } from "@snowplow/browser-tracker";
import type { CostAdapter } from "../adapter.js";

export const adapter: CostAdapter = {
  async init(host) {
    newTracker("sp", host, { appId: "shop" });
  },
  track: (props) =>
    trackSelfDescribingEvent({ event: { schema: "iglu:com.shop/product_added/jsonschema/1-0-0", data: { ...props } } }),
};
