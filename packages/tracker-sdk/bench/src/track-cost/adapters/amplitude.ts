import { createInstance } from "@amplitude/analytics-browser";
import { type CostAdapter, EVENT_NAME } from "../adapter.js";

const amplitude = createInstance();

// Autocapture and remote config off (not the track() path); batching and storage keep defaults.
export const adapter: CostAdapter = {
  async init(host) {
    await amplitude.init("amp_bench", { serverUrl: `${host}/2/httpapi`, autocapture: false, fetchRemoteConfig: false })
      .promise;
  },
  track: (props) => amplitude.track(EVENT_NAME, { ...props }),
};
