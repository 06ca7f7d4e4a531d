/**
 * React bindings, "@shop/tracker/react": a provider, `useTracker()`, and page views on client-side
 * route changes fed by whatever router the app uses (React Router's `useLocation()`, Next.js's
 * `usePathname()` and `useSearchParams()`), without importing any router. The built file starts
 * with "use client", so a Next.js server component may render the provider.
 */
import { createContext, createElement, type ReactNode, useContext, useEffect, useRef } from "react";
import type { Tracker } from "./core/tracker.js";
import { navigatedFrom } from "./platform/browser/context.js";

const TrackerContext = createContext<Tracker | null>(null);

export interface TrackerProviderProps {
  tracker: Tracker;
  children?: ReactNode;
}

/** Makes `tracker` the one `useTracker()` returns below it. Create the tracker once, outside render. */
export function TrackerProvider({ tracker, children }: TrackerProviderProps) {
  return createElement(TrackerContext.Provider, { value: tracker }, children);
}

/** The tracker of the nearest `<TrackerProvider>`; throws without one (a silent no-op would hide the bug). */
export function useTracker(): Tracker {
  const tracker = useContext(TrackerContext);
  if (!tracker) throw new Error("useTracker() needs a <TrackerProvider tracker={...}> above it");
  return tracker;
}

export interface PageViewsProps {
  /** The route's path: `useLocation().pathname` or `usePathname()`. `null` (not known yet) tracks nothing. */
  pathname: string | null | undefined;
  /** The query string: `useLocation().search` or `useSearchParams().toString()`; a change is a new page. */
  search?: string | null;
}

/**
 * One `tracker.page()` per distinct route (path + query): on mount and whenever it changes. The same
 * route again is no view, so React's StrictMode (effects run twice) and re-renders give no duplicates.
 * The event's page context (url, title, referrer) is read when the effect runs, after the router has
 * committed the new URL. Use it instead of autocapture's page views (`autocapture({ pageViews: false })`),
 * not with them, or each navigation counts twice.
 */
export function usePageViews(pathname: string | null | undefined, search?: string | null): void {
  const tracker = useTracker();
  const last = useRef<{ route: string; href: string | undefined }>(undefined);
  const route = pathname == null ? undefined : `${pathname}?${(search ?? "").replace(/^\?/, "")}`;
  useEffect(() => {
    if (route === undefined || last.current?.route === route) return;
    const href = typeof location === "undefined" ? undefined : location.href;
    // The route left is the referrer of the next view, as autocapture reports SPA navigations.
    if (last.current?.href !== undefined) navigatedFrom(last.current.href);
    last.current = { route, href };
    tracker.page();
  }, [tracker, route]);
}

/** `usePageViews` as a component: `<PageViews pathname={pathname} search={search} />` renders nothing. */
export function PageViews({ pathname, search }: PageViewsProps): null {
  usePageViews(pathname, search);
  return null;
}
