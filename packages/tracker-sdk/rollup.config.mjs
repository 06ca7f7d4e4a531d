import terser from "@rollup/plugin-terser";
import { dts } from "rollup-plugin-dts";
import esbuild from "rollup-plugin-esbuild";

/** Public entry points: source file → dist name. */
const entries = {
  index: "src/index.ts",
  browser: "src/browser.ts",
  "react-native": "src/react-native.ts",
  ecommerce: "src/ecommerce.ts",
  testing: "src/testing.ts",
};

// ES2020 keeps optional chaining and ?? as written (every browser since 2020 has them); ??= is lowered.
const typescript = () => esbuild({ target: "es2020", tsconfig: "tsconfig.build.json" });

/** Terser settings shared by the IIFE and the size check: no property mangling (the API is properties). */
export const terserOptions = { ecma: 2020, module: true, compress: { passes: 2 } };

export default [
  {
    input: entries,
    plugins: [typescript()],
    output: [
      { dir: "dist", format: "es", entryFileNames: "[name].js", chunkFileNames: "chunks/[name]-[hash].js" },
      { dir: "dist", format: "cjs", entryFileNames: "[name].cjs", chunkFileNames: "chunks/[name]-[hash].cjs" },
    ],
  },
  {
    input: "src/iife.ts",
    plugins: [typescript()],
    output: {
      file: "dist/shop-tracker.iife.js",
      format: "iife",
      name: "ShopTracker",
      plugins: [terser({ ...terserOptions, module: false })],
    },
  },
  {
    input: entries,
    // Bundles the contract's types too, so consumers need no @shop/event-schema (or TypeBox) installed.
    plugins: [dts({ respectExternal: true, tsconfig: "tsconfig.build.json" })],
    output: { dir: "dist", format: "es", entryFileNames: "[name].d.ts", chunkFileNames: "chunks/[name]-[hash].d.ts" },
  },
];
