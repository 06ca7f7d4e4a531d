import { existsSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { sharedBuildOptions } from "../../lib/bundle.js";
import { benchDir, outDir } from "../../lib/paths.js";
import type { CostResult } from "../adapter.js";

const here = dirname(fileURLToPath(import.meta.url));
const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/** Debian's Chromium (the project never downloads a browser); CHROMIUM_PATH overrides. */
export function chromiumPath(): string | undefined {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  return existsSync(path) ? path : undefined;
}

/** One page bundle per SDK: the stub first, then the SDK adapter, then the timing loop. */
async function pageBundle(adapter: string, options: { iterations: number; warmup: number; maxMs: number }) {
  const result = await build({
    ...sharedBuildOptions,
    absWorkingDir: benchDir,
    stdin: {
      contents: [
        'import "./browser/page-setup.js";',
        `import { adapter } from "./adapters/${adapter}.js";`,
        'import { runPage } from "./browser/page-main.js";',
        `runPage(adapter, ${JSON.stringify(options)});`,
      ].join("\n"),
      resolveDir: join(here, ".."),
      sourcefile: `page-${adapter}.ts`,
      loader: "ts",
    },
    // Readable names in a profile (BENCH_PROFILE=1).
    minify: !process.env.BENCH_PROFILE,
    write: false,
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`no page bundle for ${adapter}`);
  return output.text;
}

/**
 * Serves the page from loopback, cross-origin isolated: that gives performance.now() 5 µs steps
 * instead of 100 µs, which per-call timings of a few µs need.
 */
async function serve(bundles: Map<string, string>): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const isolation = {
      "cross-origin-opener-policy": "same-origin",
      "cross-origin-embedder-policy": "require-corp",
    };
    const script = /^\/bench-([\w-]+)\.js$/.exec(url.pathname);
    if (script?.[1] && bundles.has(script[1])) {
      response.writeHead(200, { "content-type": "text/javascript", ...isolation });
      response.end(bundles.get(script[1]));
      return;
    }
    const page = /^\/([\w-]+)\/products\/p-1$/.exec(url.pathname);
    if (page?.[1] && bundles.has(page[1])) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8", ...isolation });
      response.end(
        `<!doctype html><html lang="en"><head><title>Product p-1</title></head><body><h1>Product p-1</h1><a href="/cart">Cart</a><script type="module" src="/bench-${page[1]}.js"></script></body></html>`,
      );
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export interface ChromiumRun {
  version: string;
  results: Map<string, CostResult | Error>;
}

/** Runs each adapter in its own browser context (its own renderer process and storage). */
export async function runInChromium(
  adapters: string[],
  options: { iterations: number; warmup: number; maxMs: number },
): Promise<ChromiumRun> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("no Chromium");
  const bundles = new Map<string, string>();
  for (const adapter of adapters) bundles.set(adapter, await pageBundle(adapter, options));
  const { server, origin } = await serve(bundles);
  const browser = await chromium.launch({ executablePath, headless: true, args: ["--js-flags=--expose-gc"] });
  const results = new Map<string, CostResult | Error>();
  try {
    for (const adapter of adapters) {
      const context = await browser.newContext({ userAgent: USER_AGENT });
      try {
        const page = await context.newPage();
        const profiler = process.env.BENCH_PROFILE ? await context.newCDPSession(page) : undefined;
        if (profiler) {
          await profiler.send("Profiler.enable");
          await profiler.send("Profiler.setSamplingInterval", { interval: 50 });
          await profiler.send("Profiler.start");
        }
        await page.goto(`${origin}/${adapter}/products/p-1?utm_source=bench`);
        await page.waitForFunction(() => window.__benchResult ?? window.__benchError, undefined, {
          timeout: 60_000,
          polling: 250,
        });
        const outcome = await page.evaluate(() => ({ result: window.__benchResult, error: window.__benchError }));
        if (profiler) {
          const { profile } = await profiler.send("Profiler.stop");
          const file = join(outDir, `${adapter}.cpuprofile`);
          writeFileSync(file, JSON.stringify(profile));
          console.error(`profile: ${file}`);
        }
        results.set(adapter, outcome.result ?? new Error(outcome.error ?? "no result"));
      } catch (error) {
        results.set(adapter, error as Error);
      } finally {
        await context.close();
      }
    }
    return { version: browser.version(), results };
  } finally {
    await browser.close();
    server.close();
  }
}
