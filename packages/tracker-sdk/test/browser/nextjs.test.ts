/// <reference types="node" />
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { describeTraffic } from "./support/deliveries.js";
import { browserSuite } from "./support/suite.js";
import { waitUntil } from "./support/wait.js";

// Issue 14, frameworks: the README's Next.js App Router recipe in a real server component tree. Its
// blocks are written into a fresh app (plus a home page and a product page that are server
// components), built by the real `next build` (Turbopack, which prerenders every page on the server,
// where "@shop/tracker" is the Node build) and served by `next start`. In Chromium the hydrated app
// sends one page view per route, on load and on each client-side navigation, with the path and query
// the router gives, and the recipe's AddToCart client component tracks through useTracker().

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const next = join(packageDir, "node_modules", "next", "dist", "bin", "next");
const suite = browserSuite();
const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

/** The ```tsx blocks of the README's Next.js section, by the file their first line names. */
async function recipeFiles(): Promise<Record<string, string>> {
  const readme = await readFile(join(packageDir, "README.md"), "utf8");
  const start = readme.indexOf("\n### Next.js (App Router)\n");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const files: Record<string, string> = {};
  for (const [, block = ""] of section.matchAll(/```tsx\n([\s\S]*?)```/g)) {
    const file = /^\/\/ (\S+\.tsx)/.exec(block)?.[1];
    if (!file) throw new Error(`a Next.js block of the README names no file:\n${block}`);
    files[file] = block;
  }
  return files;
}

/** The pages around the recipe: server components, as an app would have them. */
const pages: Record<string, string> = {
  "app/page.tsx": `import Link from "next/link";

export default function Home() {
  return (
    <main>
      <h1>Shop</h1>
      <Link id="product" href="/product/42?utm_source=news">Product 42</Link>
    </main>
  );
}
`,
  "app/product/[id]/page.tsx": `import { AddToCart } from "./add-to-cart";

export default async function Product({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <main>
      <h1 id="title">Product {id}</h1>
      <AddToCart id={id} />
    </main>
  );
}
`,
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("the README's Next.js App Router recipe", () => {
  it("builds with next build, renders on the server, and sends page views and events from the browser", async () => {
    const env = await suite.env();
    // Inside the package, so next, react and react-dom are this package's devDependencies (one React
    // for the app and @shop/tracker/react); @shop/tracker is this build, linked as if installed.
    const app = await mkdtemp(join(packageDir, ".next-check-"));
    cleanup.push(() => rm(app, { recursive: true, force: true }));
    const files = { ...(await recipeFiles()), ...pages };
    expect(Object.keys(files).sort()).toEqual([
      "app/analytics.tsx",
      "app/layout.tsx",
      "app/page.tsx",
      "app/product/[id]/add-to-cart.tsx",
      "app/product/[id]/page.tsx",
    ]);
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(app, name)), { recursive: true });
      await writeFile(join(app, name), text);
    }
    await writeFile(join(app, "package.json"), JSON.stringify({ name: "next-recipe", private: true }));
    await mkdir(join(app, "node_modules", "@shop"), { recursive: true });
    await symlink(packageDir, join(app, "node_modules", "@shop", "tracker"));

    const environment = {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      // Inlined into the client bundle at build time, as NEXT_PUBLIC_ variables are.
      NEXT_PUBLIC_COLLECTOR: env.collector.url,
      NEXT_PUBLIC_WRITE_KEY: "wk_next",
    };
    const built = await run(process.execPath, [next, "build"], { cwd: app, env: environment }).catch((error) => {
      throw new Error(`next build failed:\n${error.stdout}\n${error.stderr}`);
    });
    // Both pages were rendered on the server at build time (the layout, Analytics and AddToCart in it).
    expect(built.stdout).toMatch(/○ \//);
    expect(built.stdout).toMatch(/\/product\/\[id\]/);

    const port = await freePort();
    const server: ChildProcess = spawn(process.execPath, [next, "start", "-H", "127.0.0.1", "-p", String(port)], {
      cwd: app,
      env: environment,
      stdio: "ignore",
    });
    cleanup.push(async () => {
      server.kill();
      await new Promise((resolve) => server.once("exit", resolve));
    });
    const origin = `http://127.0.0.1:${port}`;
    await waitUntil(async () => (await fetch(origin).catch(() => undefined))?.ok === true, {
      timeoutMs: 30_000,
      describe: () => `next start did not answer on ${origin}`,
    });

    const page = await env.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${origin}/`);
    const pageViews = () =>
      env.collector
        .arrivals()
        .filter((a) => a.event.type === "page")
        .map((a) => (a.event.context as { page?: { path?: string; search?: string } }).page);
    await waitUntil(() => pageViews().length === 1, { describe: () => describeTraffic(env.collector) });

    // A client-side navigation (next/link): no page load, one more page view, with its query.
    await page.click("#product");
    await page.waitForSelector("#title");
    await page.click("text=Add");
    await waitUntil(() => pageViews().length === 2 && env.collector.arrivals().some((a) => a.event.type === "track"), {
      describe: () => describeTraffic(env.collector),
    });
    expect(pageViews()).toMatchObject([{ path: "/" }, { path: "/product/42", search: "?utm_source=news" }]);
    const [added] = env.collector.arrivals().filter((a) => a.event.type === "track");
    expect(added?.event).toMatchObject({ event: "Product Added", properties: { product_id: "42", quantity: 1 } });
    expect(new Set(env.collector.arrivals().map((a) => a.request.writeKey))).toEqual(new Set(["wk_next"]));
    expect(errors).toEqual([]);
  }, 240_000);
});
