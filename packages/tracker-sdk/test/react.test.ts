// @vitest-environment happy-dom
import { act, createElement as h, type ReactNode, StrictMode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { BrowserRouter, Link, Route, Routes, useLocation, useNavigate } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { createPageContext } from "../src/platform/browser/context.js";
import { PageViews, TrackerProvider, useTracker } from "../src/react.js";
import { createTestingTracker } from "../src/testing.js";

// The React bindings with real React, ReactDOM and React Router (BrowserRouter on happy-dom's
// History API), and a real tracker whose page context reads happy-dom's location, as in a browser.

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | undefined;
afterEach(() => {
  act(() => root?.unmount());
  root = undefined;
  document.body.innerHTML = "";
  history.replaceState(null, "", "/");
});

function render(node: ReactNode): HTMLElement {
  const container = document.createElement("div");
  document.body.append(container);
  root = createRoot(container);
  act(() => root?.render(node));
  return container;
}

function setup() {
  const { tracker, transport } = createTestingTracker({ flushAt: 100 }, { platformContext: createPageContext() });
  /** The page views delivered, as "path?search" of their page context, with their referrer. */
  const pageViews = async () => {
    await tracker.flush();
    return transport
      .events()
      .filter((event) => event.type === "page")
      .map((event) => {
        const page = event.context?.page as { path?: string; search?: string; referrer?: string };
        return { at: `${page.path}${page.search}`, referrer: page.referrer };
      });
  };
  return { tracker, transport, pageViews };
}

/** What an app puts next to its routes: React Router's location fed to <PageViews>. */
function RouterPageViews() {
  const { pathname, search } = useLocation();
  return h(PageViews, { pathname, search });
}

function BuyButton() {
  const t = useTracker();
  return h(
    "button",
    { type: "button", id: "buy", onClick: () => t.track("Product Added", { product_id: "p-1" }) },
    "buy",
  );
}

function Orphan() {
  useTracker();
  return null;
}

/** React Router's navigate, kept for the test to call, and a link. */
let navigate: ReturnType<typeof useNavigate> | undefined;
function Nav() {
  navigate = useNavigate();
  return h(Link, { id: "to-product", to: "/product/7" }, "product");
}

describe("TrackerProvider and useTracker", () => {
  it("useTracker returns the provided tracker, and its calls are delivered", async () => {
    const { tracker, transport } = setup();
    const container = render(h(TrackerProvider, { tracker }, h(BuyButton)));
    act(() => (container.querySelector("#buy") as HTMLButtonElement).click());
    await tracker.flush();
    expect(transport.events().map((e) => (e.type === "track" ? [e.event, e.properties] : e.type))).toEqual([
      ["Product Added", { product_id: "p-1" }],
    ]);
  });

  it("useTracker without a provider fails loudly instead of dropping events", () => {
    root = createRoot(document.createElement("div"));
    expect(() => act(() => root?.render(h(Orphan)))).toThrow(/needs a <TrackerProvider/);
  });
});

describe("page views on route change", () => {
  it("React Router: one page view per route (mount, links, navigate with a query), none for the same route", async () => {
    const { tracker, pageViews } = setup();
    history.replaceState(null, "", "/home");
    const container = render(
      h(
        StrictMode, // effects run twice in development: still one view per route
        null,
        h(
          TrackerProvider,
          { tracker },
          h(BrowserRouter, null, h(RouterPageViews), h(Nav), h(Routes, null, h(Route, { path: "*", element: null }))),
        ),
      ),
    );
    act(() => (container.querySelector("#to-product") as HTMLAnchorElement).click());
    act(() => (container.querySelector("#to-product") as HTMLAnchorElement).click()); // same route again
    await act(async () => navigate?.("/search?q=shoes"));
    await act(async () => navigate?.("/search?q=boots"));
    const origin = location.origin;
    expect(await pageViews()).toEqual([
      { at: "/home", referrer: "" },
      { at: "/product/7", referrer: `${origin}/home` },
      { at: "/search?q=shoes", referrer: `${origin}/product/7` },
      { at: "/search?q=boots", referrer: `${origin}/search?q=shoes` },
    ]);
  });

  it("Next.js App Router shape: usePathname() and useSearchParams().toString() (no leading '?'), null until known", async () => {
    const { tracker, pageViews } = setup();
    const app = (pathname: string | null, search: string) =>
      h(TrackerProvider, { tracker }, h(PageViews, { pathname, search }));
    history.replaceState(null, "", "/");
    render(app(null, "")); // usePathname() can be null before the router is ready
    // Next.js commits the URL, then renders with the new pathname: the effect sees the new location.
    history.pushState(null, "", "/cart");
    act(() => root?.render(app("/cart", "")));
    act(() => root?.render(app("/cart", ""))); // a re-render of the same route
    history.pushState(null, "", "/cart?step=2");
    act(() => root?.render(app("/cart", "step=2")));
    expect((await pageViews()).map((view) => view.at)).toEqual(["/cart", "/cart?step=2"]);
  });
});
