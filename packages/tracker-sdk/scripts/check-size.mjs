/**
 * The size budgets, checked right after the build: bundles what an app would import from the built
 * ESM files (tree-shaken, minified with terser, gzipped) and fails the build when over.
 *
 * The 4 KB budget is the core set — init + track + batching + retry + persistent queue
 * (IndexedDB → memory, cross-tab lock) + unload delivery (beacon/keepalive transport and page
 * lifecycle) + sessions + consent — composed from the browser entry's public building blocks with
 * `createBaseTracker`. The rest of Segment's calls (identify, alias, group, screen, reset, user...)
 * are measured on top of it, and are in the browser default's budget. The default browser `createTracker` adds the page context (url, UTM, locale, screen...),
 * privacy signals and a server-rendering guard on top; it has its own budget so it cannot creep.
 *
 * The separate entries have budgets of their own: the React bindings (measured alone, React being
 * the app's), the loader snippet pasted into pages, and the dev build (the collector's validator is
 * most of it; it must never reach production, see test/dev.test.ts, but must not grow unnoticed).
 */
import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import terser from "@rollup/plugin-terser";
import { rollup } from "rollup";
import { terserOptions } from "../rollup.config.mjs";

const dist = new URL("../dist/", import.meta.url).pathname;
const options = `{ host: "https://collect.example", writeKey: "k" }`;

const cases = [
  ...["createBaseTracker", "createCoreTracker"].map((create) => ({
    name:
      create === "createBaseTracker"
        ? "core set (the issue's 4 KB budget: createBaseTracker)"
        : "core set + identify, alias, group, screen, reset, user (createCoreTracker)",
    budget: create === "createBaseTracker" ? 4096 : undefined,
    code: `import { ${create}, createBrowserTransport, createBrowserStore, createBrowserKeyValueStore,
        createBrowserLifecycle, createBrowserLock } from "${dist}browser.js";
      const lifecycle = createBrowserLifecycle();
      ${create}(${options}, { transport: createBrowserTransport(), store: createBrowserStore("q"),
        kv: createBrowserKeyValueStore(), lifecycle, lock: createBrowserLock("q.leader", lifecycle) }).track("Signed Up");`,
  })),
  {
    name: "browser createTracker (core set + page context + privacy signals)",
    budget: 4608,
    code: `import { createTracker } from "${dist}browser.js"; createTracker(${options}).track("Signed Up");`,
  },
  {
    name: "browser createTracker + autocapture",
    code: `import { createTracker, autocapture } from "${dist}browser.js";
      createTracker({ ...${options}, plugins: [autocapture()] }).track("Signed Up");`,
  },
  {
    name: "browser createTracker + 3 e-commerce helpers",
    code: `import { createTracker } from "${dist}browser.js";
      import { productViewed, productAdded, orderCompleted } from "${dist}ecommerce.js";
      const t = createTracker(${options});
      productViewed(t, { product_id: "p" }); productAdded(t, { product_id: "p" }); orderCompleted(t, { order_id: "o" });`,
  },
  {
    name: "React bindings alone (@shop/tracker/react: provider, useTracker, PageViews)",
    budget: 512,
    code: `import { TrackerProvider, useTracker, PageViews } from "${dist}react.js";
      export const used = [TrackerProvider, useTracker, PageViews];`,
  },
  {
    name: "dev build createTracker (@shop/tracker/dev: browser createTracker + the contract's validator)",
    budget: 65536,
    code: `import { createTracker } from "${dist}dev.js"; createTracker(${options}).track("Signed Up");`,
  },
  {
    name: "react-native createTracker",
    code: `import { createTracker } from "${dist}react-native.js"; createTracker(${options}).track("Signed Up");`,
  },
  {
    name: "node createTracker",
    code: `import { createTracker } from "${dist}index.js"; createTracker(${options}).track("Signed Up");`,
  },
];

async function bundledSize(code) {
  const bundle = await rollup({
    input: "entry",
    external: ["react"],
    plugins: [
      { name: "entry", resolveId: (id) => (id === "entry" ? id : null), load: (id) => (id === "entry" ? code : null) },
    ],
    onwarn: () => {},
  });
  const { output } = await bundle.generate({ format: "es", plugins: [terser(terserOptions)] });
  await bundle.close();
  return output[0].code;
}

const sizeOf = (text) => ({ min: Buffer.byteLength(text), gzip: gzipSync(text, { level: 9 }).length });
const rows = [];
for (const item of cases) rows.push({ ...item, ...sizeOf(await bundledSize(item.code)) });
rows.push({
  name: "dist/snippet.min.js (the loader snippet, inline in every page)",
  budget: 512,
  ...sizeOf(await readFile(`${dist}snippet.min.js`)),
});
rows.push({
  name: "dist/shop-tracker.iife.js (whole <script> build)",
  ...sizeOf(await readFile(`${dist}shop-tracker.iife.js`)),
});

let failed = false;
for (const row of rows) {
  const over = row.budget !== undefined && row.gzip > row.budget;
  failed ||= over;
  const budget = row.budget === undefined ? "" : `  (budget ${row.budget} B: ${over ? "OVER" : "ok"})`;
  console.log(`${String(row.gzip).padStart(5)} B min+gzip  ${String(row.min).padStart(6)} B min  ${row.name}${budget}`);
}
if (failed) {
  console.error("size check failed: a bundle is over its budget");
  process.exit(1);
}
