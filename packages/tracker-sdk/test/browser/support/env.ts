/// <reference types="node" />
import type { Browser, BrowserContext, Page } from "playwright-core";
import { type CollectorServer, type CollectorServerOptions, startCollectorServer } from "./collector-server.js";
import { startLatencyRelay } from "./latency-relay.js";
import { type SiteServer, startSiteServer } from "./site-server.js";

/**
 * Everything one test needs: a fresh browser context (empty storage), the shop's site, a second
 * site to leave to, and the recording collector, each on its own loopback origin.
 */
export interface BrowserEnv {
  /** The shop, http://127.0.0.1:<port>: pages with the SDK. */
  readonly shop: SiteServer;
  /** Another site, http://localhost:<port>: cross-site to the shop, with its own storage. */
  readonly elsewhere: SiteServer;
  /**
   * The recording collector as the pages reach it: with `rttMs`, `collector.url` is the latency
   * relay's, and what the collector records is what crossed the relay.
   */
  readonly collector: CollectorServer;
  readonly context: BrowserContext;
  /** Uncaught exceptions and console errors of every page in the context, as "url: message". */
  readonly pageErrors: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface EnvOptions {
  readonly collector?: CollectorServerOptions;
  /** Round trip between the pages and the collector, through a latency relay (support/latency-relay.ts). */
  readonly rttMs?: number;
}

/** `sdkDir`: the SDK build the sites serve at /sdk/ (a snapshot of dist/, see sdk-build.ts). */
export async function openEnv(browser: Browser, sdkDir: string, options: EnvOptions = {}): Promise<BrowserEnv> {
  const [shop, elsewhere, collector] = await Promise.all([
    startSiteServer({ sdkDir }),
    startSiteServer({ sdkDir, hostname: "localhost" }),
    startCollectorServer(options.collector),
  ]);
  const relay = options.rttMs === undefined ? undefined : await startLatencyRelay(collector.url, options.rttMs);
  const context = await browser.newContext();
  const pageErrors: string[] = [];
  const watch = (page: Page) => {
    page.on("pageerror", (error) => pageErrors.push(`${page.url()}: ${error.message}`));
  };
  context.on("page", watch);
  return {
    shop,
    elsewhere,
    collector: relay ? { ...collector, url: relay.url } : collector,
    context,
    pageErrors,
    newPage: () => context.newPage(),
    close: async () => {
      // Context first: its pages may still be sending to the servers.
      await context.close().catch(() => undefined);
      await Promise.all([shop.close(), elsewhere.close(), collector.close(), relay?.close()]);
    },
  };
}

/**
 * Keeps `site` loadable while the context is offline (context.setOffline also fails navigations),
 * so a test can reload a page offline. Requests to other origins, the collector's among them, still
 * meet the offline network. A routed document has no IP address, so Chromium ranks it "public" and its
 * Local Network Access checks block its requests to the loopback collector: launch the suite with
 * `--disable-features=LocalNetworkAccessChecks` (an artefact of testing on loopback; a real shop and
 * collector are both public).
 */
export async function serveWhileOffline(context: BrowserContext, site: SiteServer): Promise<void> {
  await context.route(`${site.url}/**`, async (route) => {
    const { status, contentType, body } = await site.resolve(new URL(route.request().url()).pathname);
    await route.fulfill({ status, contentType, body, headers: { "cache-control": "no-store" } });
  });
}

/**
 * Takes the browser offline for real (navigator.onLine false, the offline event, requests fail) and waits
 * until every page given reports it, so nothing is tracked before the pages know. The recording collector
 * refuses connections too: under load (a load average of 25 on two cores, and one clean-clone run in four
 * before the wait above) Chromium's network emulation let a fetch through after navigator.onLine had turned
 * false. That is the harness racing itself, not the SDK: the SDK sent because the browser let it.
 */
export async function goOffline(env: BrowserEnv, ...pages: Page[]): Promise<void> {
  env.collector.setOffline(true);
  await env.context.setOffline(true);
  for (const page of pages) await page.waitForFunction(() => !navigator.onLine);
}

/** Back online: the collector first, so the SDK's first send on the online event finds it. */
export async function goOnline(env: BrowserEnv): Promise<void> {
  env.collector.setOffline(false);
  await env.context.setOffline(false);
}
