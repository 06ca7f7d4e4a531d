/// <reference types="node" />
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeTraffic } from "./support/deliveries.js";
import { htmlPage } from "./support/site-server.js";
import { browserSuite } from "./support/suite.js";
import { waitUntil } from "./support/wait.js";

// Issue 14, installable: what `npm pack` makes installs into a fresh project outside the monorepo
// (no registry needed: the package has no dependencies), the README's quick start type-checks there
// with `tsc --init`'s default tsconfig, esbuild bundles it, and in real Chromium its events reach the
// recording collector. TypeScript and esbuild are the monorepo's own (the lockfile's versions).

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("../..", import.meta.url));
/** npm from PATH, as a developer would run it (the pinned Node's package ships none). */
const npm = "npm";
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const suite = browserSuite();

let work: string;
let project: string;
let packed: { filename: string; files: { path: string }[] };

/** The README's quick start: the first ```ts block of its "Install" section. */
async function quickStart(): Promise<string> {
  const readme = await readFile(join(packageDir, "README.md"), "utf8");
  const install = readme.slice(readme.indexOf("## Install"));
  const block = /```ts\n([\s\S]*?)```/.exec(install)?.[1];
  if (!block) throw new Error("README.md's Install section has no ```ts block");
  return block;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "shop-tracker-install-"));
  const { stdout } = await run(npm, ["pack", "--json", "--pack-destination", work], { cwd: packageDir });
  [packed] = JSON.parse(stdout);
  project = join(work, "app");
  await mkdir(join(project, "src"), { recursive: true });
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name: "fresh-app", version: "1.0.0", private: true, type: "module" }),
  );
  // --offline: everything comes from the tarball; a dependency on the registry would fail here.
  await run(npm, ["install", "--offline", "--no-audit", "--no-fund", join(work, packed.filename)], { cwd: project });
  await run(process.execPath, [tsc, "--init"], { cwd: project });
  await writeFile(join(project, "src", "index.ts"), await quickStart());
  // A CommonJS module of the same project (.cts under nodenext): TypeScript takes the "require"
  // condition's declarations, which must say CommonJS.
  await writeFile(
    join(project, "src", "server.cts"),
    `import shop = require("@shop/tracker");
import ecommerce = require("@shop/tracker/ecommerce");
const tracker = shop.createTracker({ host: "https://collect.example.com", writeKey: "k", plugins: [shop.autocapture()] });
ecommerce.orderCompleted(tracker, { order_id: "o-1", revenue: 10 });
export = tracker;
`,
  );
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("npm pack → npm install in a fresh project", () => {
  it("ships the builds with source maps and declarations, and nothing that needs the monorepo", async () => {
    const files = packed.files.map((f) => f.path);
    for (const entry of ["index", "browser", "react-native", "ecommerce", "testing", "react", "dev"]) {
      expect(files).toEqual(expect.arrayContaining([`dist/${entry}.js`, `dist/${entry}.js.map`, `dist/${entry}.d.ts`]));
    }
    expect(files).toEqual(expect.arrayContaining(["dist/shop-tracker.iife.js.map", "dist/snippet.min.js"]));
    expect(files.filter((f) => f.startsWith("src/") || f.startsWith("test/"))).toEqual([]);
    const manifest = JSON.parse(
      await readFile(join(project, "node_modules", "@shop", "tracker", "package.json"), "utf8"),
    ) as Record<string, Record<string, string> | undefined>;
    // Installed without the registry: no runtime dependency at all, react an optional peer.
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependenciesMeta).toEqual({ react: { optional: true } });
    // A map's sources are embedded: the src/ they name is not in the package.
    const map = JSON.parse(await readFile(join(project, "node_modules/@shop/tracker/dist/browser.js.map"), "utf8"));
    expect(map.sourcesContent.length).toBe(map.sources.length);
  });

  it("every entry loads in Node from the installed package (the dev build without @shop/event-schema)", async () => {
    const script = `
      const names = {};
      for (const entry of ["", "/browser", "/node", "/ecommerce", "/testing", "/dev", "/react-native"]) {
        names[entry || "."] = Object.keys(await import("@shop/tracker" + entry)).length;
      }
      const { createRequire } = await import("node:module");
      names.require = Object.keys(createRequire(import.meta.url)("@shop/tracker")).length;
      const { autocapture } = await import("@shop/tracker");
      names.autocaptureOnNode = autocapture().name;
      console.log(JSON.stringify(names));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: project });
    const names = JSON.parse(stdout) as Record<string, number | string>;
    for (const value of Object.values(names)) expect(value).toBeTruthy();
    expect(names.autocaptureOnNode).toBe("autocapture");
    await expect(
      run(process.execPath, ["--input-type=module", "-e", "await import('@shop/event-schema')"], { cwd: project }),
    ).rejects.toThrow(/Cannot find package/);
  });

  it("the README's SRI command works in the installed package", async () => {
    const { createHash } = await import("node:crypto");
    const iife = await readFile(join(project, "node_modules/@shop/tracker/dist/shop-tracker.iife.js"));
    const { stdout } = await run(process.execPath, ["node_modules/@shop/tracker/scripts/sri.mjs"], { cwd: project });
    expect(stdout.split("\n")[0]).toBe(`sha384-${createHash("sha384").update(iife).digest("base64")}`);
  });

  it("the README's quick start type-checks with `tsc --init`'s tsconfig (nodenext; an ESM and a CommonJS module), node16 and bundler", async () => {
    const tsconfig = await readFile(join(project, "tsconfig.json"), "utf8");
    expect(tsconfig).toMatch(/"module": "nodenext"/); // the default, not a config chosen to pass
    await run(process.execPath, [tsc, "--noEmit", "-p", "."], { cwd: project }).catch((error) => {
      throw new Error(`tsc (tsc --init defaults) failed:\n${error.stdout}`);
    });
    // node16: unlike nodenext (TypeScript 5.8+), it refuses ESM declarations to a require (TS1471).
    for (const [name, compilerOptions] of Object.entries({
      bundler: { module: "preserve", moduleResolution: "bundler" },
      node16: { module: "node16", moduleResolution: "node16" },
    })) {
      const config = { extends: "./tsconfig.json", compilerOptions };
      await writeFile(join(project, `tsconfig.${name}.json`), JSON.stringify(config));
      await run(process.execPath, [tsc, "--noEmit", "-p", `tsconfig.${name}.json`], { cwd: project }).catch((error) => {
        throw new Error(`tsc (${name}) failed:\n${error.stdout}`);
      });
    }
  });

  it("the types catch a mistake (so the type-checks above can fail)", async () => {
    await writeFile(
      join(project, "src", "wrong.ts"),
      `import { createTracker } from "@shop/tracker";\ncreateTracker({ host: "h", writeKey: "k" }).track("Order Completed", { revenue: "lots" });\n`,
    );
    try {
      await expect(run(process.execPath, [tsc, "--noEmit", "-p", "."], { cwd: project })).rejects.toMatchObject({
        stdout: expect.stringMatching(/wrong\.ts.*error TS2322/),
      });
    } finally {
      await rm(join(project, "src", "wrong.ts"));
    }
  });

  it("bundled by esbuild for the browser, the quick start's events reach the collector from real Chromium", async () => {
    const env = await suite.env();
    const source = (await quickStart()).replace("https://collect.example.com", env.collector.url);
    expect(source).toContain(env.collector.url);
    await writeFile(join(project, "src", "browser-app.ts"), source);
    const result = await build({
      entryPoints: [join(project, "src", "browser-app.ts")],
      absWorkingDir: project,
      bundle: true,
      minify: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
    });
    const bundle = result.outputFiles[0]?.text ?? "";
    expect(bundle).toContain("sendBeacon"); // esbuild picked the "browser" build
    env.shop.page("/app", htmlPage({ title: "fresh app", head: `<script type="module">${bundle}</script>` }));
    const page = await env.newPage();
    await page.goto(`${env.shop.url}/app`);
    // The quick start keeps the default flush interval (5 s).
    await waitUntil(() => env.collector.arrivals().some((a) => a.event.event === "Signed Up"), {
      timeoutMs: 20_000,
      describe: () => describeTraffic(env.collector),
    });
    const events = env.collector.arrivals().map((a) => a.event);
    expect(events.map((e) => (e.type === "track" ? e.event : e.type)).sort()).toEqual(["Signed Up", "page"]);
    expect(events.find((e) => e.type === "track")?.properties).toEqual({ plan: "gold" });
    const pageView = events.find((e) => e.type === "page");
    expect((pageView?.context as { page?: { path?: string } } | undefined)?.page?.path).toBe("/app");
    expect(env.pageErrors).toEqual([]);
  });
});
