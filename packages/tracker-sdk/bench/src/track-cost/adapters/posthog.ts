import { posthog } from "posthog-js";
import { type CostAdapter, EVENT_NAME } from "../adapter.js";

// Extras that are not the track() path (autocapture, replay, surveys, flags, script loading) are
// off, so the figure is the capture path with its default batching and persistence.
export const adapter: CostAdapter = {
  init: (host) =>
    new Promise<void>((resolve) => {
      posthog.init("phc_bench", {
        api_host: host,
        autocapture: false,
        capture_pageview: false,
        capture_pageleave: false,
        disable_session_recording: true,
        disable_surveys: true,
        advanced_disable_flags: true,
        // happy-dom reports navigator.webdriver, which PostHog treats as a bot and drops.
        opt_out_useragent_filter: true,
        // Its client-side limit (10 events/s) would drop most timed calls and time the drop path.
        rate_limiting: { events_per_second: 1e9, events_burst_limit: 1e9 },
        disable_external_dependency_loading: true,
        loaded: () => resolve(),
      });
    }),
  track: (props) => posthog.capture(EVENT_NAME, { ...props }),
};
