// @vitest-environment happy-dom
import type { WireEvent } from "@shop/event-schema";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { autocapture } from "../../src/platform/browser/autocapture.js";
import { createPageContext } from "../../src/platform/browser/context.js";
import { createTestingTracker } from "../../src/testing.js";

const originals = { pushState: history.pushState, replaceState: history.replaceState };

function capture(options: Parameters<typeof autocapture>[0] = {}) {
  const { tracker, transport } = createTestingTracker(
    { flushAt: 500, plugins: [autocapture(options)] },
    { platformContext: createPageContext() },
  );
  const events = async () => {
    await tracker.flush();
    return transport.events();
  };
  return { tracker, events };
}
const pages = (events: WireEvent[]) => events.filter((e) => e.type === "page").map((e) => e.context?.page);
const tracks = (events: WireEvent[]) => events.flatMap((e) => (e.type === "track" ? [[e.event, e.properties]] : []));

beforeEach(() => {
  history.replaceState(null, "", "/");
  document.body.innerHTML = "";
});
afterEach(() => {
  // Each tracker wraps the history methods; unwrap so trackers of other tests do not stack up.
  history.pushState = originals.pushState;
  history.replaceState = originals.replaceState;
});

describe("autocapture: page views", () => {
  it("tracks the page on load and each SPA navigation to a new URL, once", async () => {
    const { events } = capture();
    history.pushState({}, "", "/products");
    history.pushState({ tab: 2 }, "", "/products"); // same URL: state only
    history.replaceState({}, "", "/products?sort=price");
    history.pushState({}, "", "/products?sort=price#reviews");
    // The hashchange and popstate a browser fires for that same URL add nothing.
    window.dispatchEvent(new Event("hashchange"));
    window.dispatchEvent(new Event("popstate"));
    // The back button: the browser changes the URL itself, then fires popstate.
    originals.replaceState.call(history, null, "", "/products");
    window.dispatchEvent(new Event("popstate"));
    const views = pages(await events());
    expect(views.map((page) => page?.url?.replace("http://localhost:3000", ""))).toEqual([
      "/",
      "/products",
      "/products?sort=price",
      "/products?sort=price#reviews",
      "/products",
    ]);
    expect(views[1]?.referrer).toBe("http://localhost:3000/");
    expect(views[2]?.referrer).toBe("http://localhost:3000/products");
  });

  it("can be turned off", async () => {
    const { events } = capture({ pageViews: false });
    history.pushState({}, "", "/elsewhere");
    expect(pages(await events())).toEqual([]);
  });
});

describe("autocapture: clicks", () => {
  it("tracks clicks on data-track elements only when asked, with data-track-* as properties", async () => {
    document.body.innerHTML = `<button data-track="Newsletter Signup" data-track-placement="footer"><span id="inner">Go</span></button>
      <button id="plain">Plain</button><div data-track id="unnamed">x</div>`;
    const off = capture({ pageViews: false });
    (document.getElementById("inner") as HTMLElement).click();
    expect(tracks(await off.events())).toEqual([]);

    const on = capture({ pageViews: false, clicks: true });
    (document.getElementById("inner") as HTMLElement).click();
    (document.getElementById("plain") as HTMLElement).click();
    (document.getElementById("unnamed") as HTMLElement).click();
    expect(tracks(await on.events())).toEqual([
      ["Newsletter Signup", { placement: "footer" }],
      ["Element Clicked", {}],
    ]);
  });

  it("tracks outbound links without delaying the navigation; internal and mailto links are not outbound", async () => {
    document.body.innerHTML = `<a id="out" href="https://partner.example/deal">Partner</a>
      <a id="in" href="/cart">Cart</a><a id="mail" href="mailto:help@shop.example">Mail</a>`;
    const seen: boolean[] = [];
    document.addEventListener("click", (event) => {
      seen.push(event.defaultPrevented);
      event.preventDefault(); // keep happy-dom from navigating
    });
    const { events } = capture({ pageViews: false });
    for (const id of ["out", "in", "mail"]) (document.getElementById(id) as HTMLElement).click();
    expect(tracks(await events())).toEqual([["Outbound Link Clicked", { url: "https://partner.example/deal" }]]);
    expect(seen).toEqual([false, false, false]);
  });
});
