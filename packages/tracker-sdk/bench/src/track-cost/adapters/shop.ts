import { createTracker } from "@shop/tracker";
import { type CostAdapter, EVENT_NAME } from "../adapter.js";

let tracker: ReturnType<typeof createTracker> | undefined;

// Defaults on purpose (flushAt, flushIntervalMs, transport): this is what a page gets.
export const adapter: CostAdapter = {
  async init(host) {
    tracker = createTracker({ host, writeKey: "wk_bench" });
  },
  track: (props) => tracker?.track(EVENT_NAME, { ...props }),
};
