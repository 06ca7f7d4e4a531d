import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Route } from "playwright-core";
import { describe, expect, it } from "vitest";
import { describeTraffic } from "./support/deliveries.js";
import { htmlPage } from "./support/site-server.js";
import { browserSuite, TEST_EVENT } from "./support/suite.js";
import { waitUntil } from "./support/wait.js";

// Issue 14, the loader snippet: calls made before the script build has loaded are queued by the
// stub and arrive at the collector, in order, once it has. The snippet is the README's, verbatim.

const suite = browserSuite();
const readme = new URL("../../README.md", import.meta.url);
const builtSnippet = new URL("../../dist/snippet.min.js", import.meta.url);

/** The README's snippet block: the ```html block that calls shopTracker.load. */
async function readmeSnippet(): Promise<string> {
  const text = await readFile(readme, "utf8");
  const block = [...text.matchAll(/```html\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? "")
    .find((b) => b.includes("shopTracker.load("));
  if (!block) throw new Error("README.md has no ```html block calling shopTracker.load");
  return block;
}

declare global {
  interface Window {
    shopTracker?:
      | unknown[]
      | { track(event: string, properties?: Record<string, unknown>): string; flush(): Promise<void> };
  }
}

const seqOf = (event: Record<string, unknown>) => (event.context as { session: { seq: number } }).session.seq;

describe("the loader snippet", () => {
  it("the README shows the built snippet (dist/snippet.min.js) verbatim", async () => {
    expect(await readmeSnippet()).toContain((await readFile(builtSnippet, "utf8")).trim());
  });

  it("calls made before the script build loads arrive at the collector in order, then later calls follow", async () => {
    const env = await suite.env();
    const snippet = (await readmeSnippet())
      .replace(/https:\/\/cdn\.example\.com\/[^"]+/, "/sdk/shop-tracker.iife.js")
      .replace("https://collect.example.com", env.collector.url)
      .replace('"YOUR_WRITE_KEY"', '"wk_snippet", flushAt: 100, flushIntervalMs: 60000');
    expect(snippet).toContain(env.collector.url); // the README's host placeholder was found
    // The page's own code, right after the snippet: calls while the script build is still on its way.
    const early = `<script>
shopTracker.identify("user-42", { plan: "gold" });
for (let n = 0; n < 5; n++) shopTracker.track("${TEST_EVENT}", { n });
shopTracker.page("Home", { early: true });
</script>`;
    env.shop.page("/snippet", htmlPage({ title: "snippet", head: snippet + early }));

    // Hold the script build back until the test has made more calls: the stub must queue all of them.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const page = await env.newPage();
    await page.route("**/sdk/shop-tracker.iife.js", async (route: Route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${env.shop.url}/snippet`, { waitUntil: "domcontentloaded" });
    await page.evaluate((name) => {
      const stub = window.shopTracker as unknown as { track(e: string, p: unknown): unknown };
      for (let n = 5; n < 10; n++) stub.track(name, { n });
    }, TEST_EVENT);
    expect(await page.evaluate(() => Array.isArray(window.shopTracker))).toBe(true); // not loaded yet
    expect(env.collector.requests).toEqual([]);

    release();
    await page.waitForFunction(() => window.shopTracker !== undefined && !Array.isArray(window.shopTracker));
    await page.evaluate(async (name) => {
      const tracker = window.shopTracker as { track(e: string, p: unknown): string; flush(): Promise<void> };
      tracker.track(name, { n: 10 });
      await tracker.flush();
    }, TEST_EVENT);

    const arrived = () => env.collector.arrivals().map((a) => a.event);
    await waitUntil(() => arrived().some((e) => (e.properties as { n?: number } | undefined)?.n === 10), {
      describe: () => describeTraffic(env.collector),
    });
    // Order as the pipeline sees it: the session's sequence numbers, given as the events are built.
    const sequence = arrived()
      .sort((a, b) => seqOf(a) - seqOf(b))
      .map((e) =>
        e.type === "track" && e.event === TEST_EVENT
          ? `track ${(e.properties as { n: number }).n}`
          : `${e.type}${e.name ? ` ${e.name}` : ""}`,
      );
    const traffic = describeTraffic(env.collector);
    // The script build's autocapture tracks the page view of the load as it starts, before the replay.
    expect(sequence, traffic).toEqual([
      "page",
      "identify",
      ...[0, 1, 2, 3, 4].map((n) => `track ${n}`),
      "page Home",
      ...[5, 6, 7, 8, 9].map((n) => `track ${n}`),
      "track 10",
    ]);
    // identify replayed first: every event after it is the user's.
    const inOrder = arrived().sort((a, b) => seqOf(a) - seqOf(b));
    const afterIdentify = inOrder.slice(inOrder.findIndex((e) => e.type === "identify"));
    expect(afterIdentify.length).toBe(13);
    expect(
      afterIdentify.every((e) => e.userId === "user-42"),
      traffic,
    ).toBe(true);
    expect(new Set(arrived().map((e) => e.messageId)).size).toBe(arrived().length);
    expect(env.collector.requests.flatMap((r) => r.rejected)).toEqual([]);
    expect(env.pageErrors).toEqual([]);
  });
});

/** Runs the package's scripts/sri.mjs (the README's way to compute hashes); its first output line. */
async function sri(...args: string[]): Promise<string> {
  const script = fileURLToPath(new URL("../../scripts/sri.mjs", import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [script, ...args]);
  return stdout.split("\n")[0] ?? "";
}

describe("Content Security Policy and Subresource Integrity (README)", () => {
  /** A page whose CSP allows the inline snippet by hash, scripts from itself, and the collector. */
  async function cspPage(integrity: string) {
    const env = await suite.env();
    const inline = `${(await readFile(builtSnippet, "utf8")).trim()}
shopTracker.load("/sdk/shop-tracker.iife.js", { host: "${env.collector.url}", writeKey: "wk_csp", flushAt: 1 }, "${integrity}");
shopTracker.track("${TEST_EVENT}", { n: 0 });`;
    const dir = await mkdtemp(join(tmpdir(), "shop-tracker-csp-"));
    await writeFile(join(dir, "inline.js"), inline);
    const inlineHash = await sri("--inline", join(dir, "inline.js"));
    await rm(dir, { recursive: true, force: true });
    const csp = `default-src 'none'; script-src 'self' ${inlineHash}; connect-src ${env.collector.url}`;
    const head = `<meta http-equiv="Content-Security-Policy" content="${csp}"><script>${inline}</script>`;
    env.shop.page("/csp", htmlPage({ title: "csp", head }));
    const page = await env.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.goto(`${env.shop.url}/csp`);
    return { env, page, problems };
  }

  it("with the hashes from scripts/sri.mjs, the snippet, the script build and the sends all pass the policy", async () => {
    const { env, page, problems } = await cspPage(await sri());
    await page.waitForFunction(() => window.shopTracker !== undefined && !Array.isArray(window.shopTracker));
    await waitUntil(() => env.collector.arrivals().some((a) => a.event.event === TEST_EVENT), {
      describe: () => `${describeTraffic(env.collector)} console: ${problems.join(" | ")}`,
    });
    expect(problems).toEqual([]);
  });

  it("a script build that does not match its integrity hash is refused (so the check above can fail)", async () => {
    const wrong = `sha384-${Buffer.alloc(48).toString("base64")}`;
    const { env, page, problems } = await cspPage(wrong);
    await waitUntil(() => problems.some((p) => /integrity/i.test(p)), { describe: () => problems.join(" | ") });
    expect(await page.evaluate(() => Array.isArray(window.shopTracker))).toBe(true);
    expect(env.collector.requests).toEqual([]);
  });
});
