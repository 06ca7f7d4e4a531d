import { resolve } from "node:path";
import { type BuildOptions, build, type Metafile } from "esbuild";
import { benchDir } from "./paths.js";

/**
 * The one set of bundler settings every SDK gets, so sizes compare like for like. NODE_ENV and
 * legal comments are set the way an application build sets them.
 */
/**
 * BENCH_SHOP_ENTRY=<file> measures that build of ours (e.g. dist/browser.js before the package's
 * exports point at it) instead of what the exports resolve to.
 */
export const shopEntryOverride = process.env.BENCH_SHOP_ENTRY ? resolve(process.env.BENCH_SHOP_ENTRY) : undefined;

export const sharedBuildOptions = {
  alias: (shopEntryOverride ? { "@shop/tracker": shopEntryOverride } : {}) as Record<string, string>,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2020",
  treeShaking: true,
  legalComments: "none",
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "silent",
} as const satisfies BuildOptions;

export const settingsLine =
  "esbuild: bundle, format esm, platform browser (conditions browser > import > default), target es2020, tree-shaking, NODE_ENV=production, legal comments dropped";

export interface Bundle {
  code: string;
  metafile: Metafile;
}

export async function bundle(
  entry: string,
  options: { minify: boolean; platform?: "browser" | "node" },
): Promise<Bundle> {
  const result = await build({
    ...sharedBuildOptions,
    entryPoints: [entry],
    minify: options.minify,
    platform: options.platform ?? sharedBuildOptions.platform,
    absWorkingDir: benchDir,
    write: false,
    metafile: true,
    outfile: "bundle.js",
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return { code: output.text, metafile: result.metafile };
}

/** The absolute path of the @shop/tracker file a bundle pulled in as its entry (dist/browser.js once that exists). */
export function resolvedShopEntry(metafile: Metafile): string | undefined {
  const inputs = Object.keys(metafile.inputs)
    .map((path) => resolve(benchDir, path))
    .filter((path) => /tracker-sdk\/dist\//.test(path));
  return inputs.find((path) => /dist\/(browser|index)\.[cm]?js$/.test(path)) ?? inputs[0];
}
