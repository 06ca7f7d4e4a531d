import { RudderAnalytics } from "@rudderstack/analytics-js/bundled";
import { type CostAdapter, EVENT_NAME } from "../adapter.js";

const analytics = new RudderAnalytics();

// The /bundled build, with the source config passed in: the default build downloads its plugins
// from RudderStack's CDN, which a benchmark on loopback cannot reach.
export const adapter: CostAdapter = {
  init: (host) =>
    new Promise<void>((resolve) => {
      analytics.load("wk_bench", host, {
        getSourceConfig: () => ({
          source: {
            id: "src_bench",
            name: "bench",
            writeKey: "wk_bench",
            enabled: true,
            workspaceId: "ws_bench",
            config: {},
            destinations: [],
          },
        }),
        onLoaded: () => resolve(),
      });
    }),
  track: (props) => analytics.track(EVENT_NAME, { ...props }),
};
