import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { BrowserEnv } from "./support/env.js";
import { htmlPage } from "./support/site-server.js";
import { browserSuite, openShopPage } from "./support/suite.js";
import { waitUntil } from "./support/wait.js";

// Issue 14, identity: one visitor across a shop's subdomains (a cookie on the parent domain) and across
// two shops' domains (a decorated link). Chromium resolves the made-up hosts to loopback, where the
// site server answers every host name; www.shop.test and checkout.shop.test are two origins with
// separate localStorage and IndexedDB, like a real shop's.
const suite = browserSuite(["--host-resolver-rules=MAP *.shop.test 127.0.0.1, MAP *.other-shop.test 127.0.0.1"]);

/** The site's URL on another host name (same server, same port). */
const on = (env: BrowserEnv, host: string, path: string) => `${env.shop.url.replace("127.0.0.1", host)}${path}`;

interface IdentityPageTracker {
  anonymousId(): string;
  track(event: string, properties?: Record<string, unknown>): string;
  reset(): void;
  flush(): Promise<void>;
}
const anonymousIdOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { tracker: IdentityPageTracker }).tracker.anonymousId());

/** The <script> build, as a site without a bundler has it; identity (links, the cookie) is built in. */
function scriptPage(env: BrowserEnv, title: string, options: Record<string, unknown>) {
  const tracker = JSON.stringify({ host: env.collector.url, writeKey: "wk_identity", flushAt: 1, ...options });
  return htmlPage({
    title,
    head: `<script src="/sdk/shop-tracker.iife.js"></script>
<script>window.tracker = ShopTracker.createTracker(${tracker});</script>`,
  });
}

/** Events of `name` the collector accepted, with their anonymous id and the page they came from. */
const arrived = (env: BrowserEnv, name: string) =>
  env.collector
    .arrivals()
    .map(
      ({ event }) => event as { event?: string; type: string; anonymousId: string; context: { page: { url: string } } },
    )
    .filter((event) => (event.event ?? event.type) === name);

describe("identity across subdomains and domains", () => {
  it("cookieDomain: www and checkout are one visitor, in a Lax cookie on the parent domain", async () => {
    const env = await suite.env();
    env.shop.page("/", scriptPage(env, "www", { cookieDomain: ".shop.test", autocapture: false }));
    env.shop.page("/plain", scriptPage(env, "no cookie", { autocapture: false }));

    const www = await env.newPage();
    await openShopPage(www, on(env, "www.shop.test", "/"));
    const visitor = await anonymousIdOf(www);
    await www.evaluate(() => (window as unknown as { tracker: IdentityPageTracker }).tracker.track("On www"));

    const [cookie] = (await env.context.cookies()).filter((c) => c.name === "shop_tracker.aid");
    expect(cookie).toMatchObject({ value: visitor, domain: ".shop.test", path: "/", sameSite: "Lax", secure: false });
    const days = ((cookie?.expires ?? 0) * 1000 - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(364);
    expect(days).toBeLessThanOrEqual(365);

    // Another origin: its own (empty) localStorage, the same cookie.
    const checkout = await env.newPage();
    await openShopPage(checkout, on(env, "checkout.shop.test", "/"));
    expect(await checkout.evaluate(() => localStorage.getItem("shop_tracker.ids"))).toContain(visitor);
    expect(await anonymousIdOf(checkout)).toBe(visitor);
    await checkout.evaluate(() => (window as unknown as { tracker: IdentityPageTracker }).tracker.track("On checkout"));
    await waitUntil(() => arrived(env, "On www").length + arrived(env, "On checkout").length === 2);
    expect([...arrived(env, "On www"), ...arrived(env, "On checkout")].map((e) => e.anonymousId)).toEqual([
      visitor,
      visitor,
    ]);

    // The control: a subdomain whose tracker has no cookieDomain is a stranger.
    const plain = await env.newPage();
    await openShopPage(plain, on(env, "account.shop.test", "/plain"));
    expect(await anonymousIdOf(plain)).not.toBe(visitor);

    // Logout on checkout: the cookie names the new visitor, and www follows on its next page.
    await checkout.evaluate(() => (window as unknown as { tracker: IdentityPageTracker }).tracker.reset());
    const next = await anonymousIdOf(checkout);
    expect(next).not.toBe(visitor);
    expect((await env.context.cookies()).find((c) => c.name === "shop_tracker.aid")?.value).toBe(next);
    await openShopPage(www, on(env, "www.shop.test", "/"));
    expect(await anonymousIdOf(www)).toBe(next);
    expect(env.pageErrors).toEqual([]);
  });

  it("decorate(url): the other shop's site takes the anonymous id once and cleans its URL", async () => {
    const env = await suite.env();
    const other = on(env, "www.other-shop.test", "/landing?from=shop#top");
    const esm = (body: string) => `<script type="module">
import { createTracker, decorate, identity } from "/sdk/browser.js";
window.tracker = createTracker({ host: ${JSON.stringify(env.collector.url)}, writeKey: "wk_identity", flushAt: 1,
  plugins: [identity()] });
${body}
</script>`;
    env.shop.page(
      "/",
      htmlPage({
        title: "shop",
        head: esm(`window.tracker.page();
const link = document.getElementById("partner");
link.href = decorate(window.tracker, link.href);`),
        body: `<a id="partner" href="${other}">partner</a>`,
      }),
    );
    env.shop.page("/landing", htmlPage({ title: "partner", head: esm("window.tracker.page();") }));

    const page = await env.newPage();
    await openShopPage(page, on(env, "www.shop.test", "/"));
    const visitor = await anonymousIdOf(page);
    await page.click("#partner");
    await page.waitForURL(/other-shop\.test/);
    await page.waitForFunction(() => window.tracker !== undefined);

    // The request carried the id; the address bar and the history entry no longer do.
    expect(env.shop.hits).toContain(`/landing?from=shop&ajs_aid=${visitor}`);
    expect(page.url()).toBe(on(env, "www.other-shop.test", "/landing?from=shop#top"));
    expect(await anonymousIdOf(page)).toBe(visitor);
    await waitUntil(() => arrived(env, "page").length === 2);
    const [onShop, onPartner] = arrived(env, "page");
    expect(onShop?.anonymousId).toBe(visitor);
    expect(onPartner).toMatchObject({ anonymousId: visitor });
    // The page context records the cleaned URL: the id is not sent as part of the page.
    expect(onPartner?.context.page.url).not.toContain("ajs_aid");

    // The partner keeps the visitor in its own storage: a reload (no parameter) is still them.
    await page.reload();
    await page.waitForFunction(() => window.tracker !== undefined);
    expect(await anonymousIdOf(page)).toBe(visitor);
    // Back in the history: the entry itself was cleaned, so going back and forth hands nothing on again.
    await page.goBack();
    await page.goForward();
    expect(page.url()).not.toContain("ajs_aid");
    expect(env.pageErrors).toEqual([]);
  });
});
