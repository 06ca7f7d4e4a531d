import { fileURLToPath } from "node:url";
import terser from "@rollup/plugin-terser";
import { build } from "esbuild";
import { dts } from "rollup-plugin-dts";
import esbuild from "rollup-plugin-esbuild";

/** Public entry points: source file → dist name. */
const entries = {
  index: "src/index.ts",
  browser: "src/browser.ts",
  "react-native": "src/react-native.ts",
  ecommerce: "src/ecommerce.ts",
  testing: "src/testing.ts",
  react: "src/react.ts",
  dev: "src/dev.ts",
};

/** Peer dependencies: the app's own copy, never bundled. */
const external = ["react"];

// ES2020 keeps optional chaining and ?? as written (every browser since 2020 has them); ??= is lowered.
const typescript = () => esbuild({ target: "es2020", tsconfig: "tsconfig.build.json" });

/** Terser settings shared by the IIFE and the size check: no property mangling (the API is properties). */
export const terserOptions = { ecma: 2020, module: true, compress: { passes: 2 } };

/**
 * The dev build's contract check is the collector's validator itself (@shop/event-schema/validate:
 * Ajv compiling the contract's schemas). The package must not need @shop/event-schema (a workspace
 * package, never published) at run time, so the validator and its CommonJS dependencies are bundled
 * into the dev entry here, from the contract's source, by esbuild (which reads CommonJS and JSON).
 */
const contractValidator = () => ({
  name: "contract-validator",
  resolveId: (id) => (id === "@shop/event-schema/validate" ? "\0contract-validator" : null),
  async load(id) {
    if (id !== "\0contract-validator") return null;
    const entry = fileURLToPath(new URL("node_modules/@shop/event-schema/src/validate.ts", import.meta.url));
    const { outputFiles } = await build({
      entryPoints: [entry],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2020",
      write: false,
      legalComments: "none",
    });
    return outputFiles[0].text;
  },
});

/**
 * CommonJS twins of the declarations (`.d.cts`, importing `.cjs`): the package is "type": "module", so
 * TypeScript (node16/nodenext) takes a `.d.ts` for ESM and refuses it to a `require` — a CommonJS
 * project needs declarations that say CommonJS. Same text, specifiers pointed at the CJS files.
 */
const commonJsDeclarations = () => ({
  name: "commonjs-declarations",
  generateBundle(_options, bundle) {
    for (const file of Object.values(bundle)) {
      if (file.type !== "chunk" || !file.fileName.endsWith(".d.ts")) continue;
      this.emitFile({
        type: "asset",
        fileName: file.fileName.replace(/\.d\.ts$/, ".d.cts"),
        source: file.code.replace(/(from\s*['"]\.{1,2}\/[^'"]+)\.js(['"])/g, "$1.cjs$2"),
      });
    }
  },
});

/** Next.js renders a module in the browser only from a "use client" file: the React bindings are one. */
const banner = (chunk) => (chunk.isEntry && chunk.name === "react" ? '"use client";' : "");

export default [
  {
    input: entries,
    external,
    plugins: [contractValidator(), typescript()],
    output: [
      {
        dir: "dist",
        format: "es",
        entryFileNames: "[name].js",
        chunkFileNames: "chunks/[name]-[hash].js",
        sourcemap: true,
        banner,
      },
      {
        dir: "dist",
        format: "cjs",
        entryFileNames: "[name].cjs",
        chunkFileNames: "chunks/[name]-[hash].cjs",
        sourcemap: true,
        banner,
      },
    ],
  },
  {
    input: "src/iife.ts",
    plugins: [typescript()],
    output: {
      file: "dist/shop-tracker.iife.js",
      format: "iife",
      name: "ShopTracker",
      sourcemap: true,
      plugins: [terser({ ...terserOptions, module: false })],
    },
  },
  {
    // Pasted inline into pages: no source map, no module wrapper; ES5 as written.
    input: "src/snippet.js",
    output: {
      file: "dist/snippet.min.js",
      format: "es",
      plugins: [terser({ ecma: 5, module: false, compress: { passes: 2 }, format: { comments: false } })],
    },
  },
  {
    input: entries,
    external,
    // Bundles the contract's types too, so consumers need no @shop/event-schema (or TypeBox) installed.
    plugins: [dts({ respectExternal: true, tsconfig: "tsconfig.build.json" }), commonJsDeclarations()],
    output: { dir: "dist", format: "es", entryFileNames: "[name].d.ts", chunkFileNames: "chunks/[name]-[hash].d.ts" },
  },
];
