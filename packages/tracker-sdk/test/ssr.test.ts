import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { autocapture, createTracker } from "../src/index.js";
import { PageViews, TrackerProvider, useTracker } from "../src/react.js";
import { createTestingTransport } from "../src/testing.js";

// Server rendering (Node, no DOM): the code a Next.js client component shares with the server —
// `createTracker` and `autocapture` from "@shop/tracker" (the Node build), the provider, <PageViews> —
// renders without touching browser globals and sends nothing.

function Product() {
  useTracker(); // available during the server render too
  return h("p", null, "product");
}

describe("server rendering", () => {
  it("the Node build's autocapture is a no-op plugin, and the React tree renders to HTML without events", async () => {
    expect(typeof document).toBe("undefined"); // a Node test, no DOM
    const transport = createTestingTransport();
    // A plugin whose setup throws (the browser's autocapture reaching for `history`) is reported here.
    const errors: unknown[] = [];
    const tracker = createTracker(
      {
        host: "https://collect.example.com",
        writeKey: "k",
        plugins: [autocapture({ clicks: true })],
        onError: (error) => errors.push(error),
      },
      { transport },
    );
    const html = renderToString(
      h(TrackerProvider, { tracker }, h(PageViews, { pathname: "/product/7", search: "" }), h(Product)),
    );
    expect(html).toBe("<p>product</p>");
    await tracker.flush();
    expect(transport.requests).toEqual([]); // effects do not run on the server: no page view
    expect(tracker.stats().queued).toBe(0);
    expect(errors).toEqual([]);
    await tracker.close();
  });
});
