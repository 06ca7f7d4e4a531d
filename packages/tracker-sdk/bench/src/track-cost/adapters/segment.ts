import { type Analytics, AnalyticsBrowser } from "@segment/analytics-next";
import { type CostAdapter, EVENT_NAME } from "../adapter.js";

let analytics: Analytics | undefined;

// Settings are passed in instead of fetched from Segment's CDN; delivery keeps its default.
export const adapter: CostAdapter = {
  async init(host) {
    const [loaded] = await AnalyticsBrowser.load({
      writeKey: "wk_bench",
      cdnSettings: { integrations: { "Segment.io": { apiKey: "wk_bench", apiHost: new URL(host).host } } },
    });
    analytics = loaded;
  },
  track: (props) => analytics?.track(EVENT_NAME, { ...props }),
};
