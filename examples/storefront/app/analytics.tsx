"use client";
import { autocapture, createTracker, type Tracker } from "@shop/tracker";
import { PageViews, TrackerProvider } from "@shop/tracker/react";
import { usePathname, useSearchParams } from "next/navigation";
import { type ReactNode, Suspense } from "react";

// The SDK README's Next.js recipe, with one change: the collector and write key come from the server
// at request time (props of the root layout) instead of NEXT_PUBLIC_ variables inlined by the build, so
// one build runs against any collector. One tracker per page load; on the server the Node build makes
// one that sends nothing, since only effects (browser-only) call it.
let shared: Tracker | undefined;
function trackerFor(host: string, writeKey: string): Tracker {
  shared ??= createTracker({ host, writeKey, plugins: [autocapture({ pageViews: false })] });
  return shared;
}

function RoutePageViews() {
  // useSearchParams needs a <Suspense> boundary in statically rendered routes.
  return <PageViews pathname={usePathname()} search={useSearchParams().toString()} />;
}

export function Analytics({ host, writeKey, children }: { host: string; writeKey: string; children: ReactNode }) {
  return (
    <TrackerProvider tracker={trackerFor(host, writeKey)}>
      <Suspense fallback={null}>
        <RoutePageViews />
      </Suspense>
      {children}
    </TrackerProvider>
  );
}
