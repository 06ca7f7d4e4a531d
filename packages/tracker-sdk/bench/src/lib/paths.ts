import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** packages/tracker-sdk/bench */
export const benchDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Generated bundles land here (git-ignored) so they can be inspected after a run. */
export const outDir = join(benchDir, ".out");

/** Where a dependency of the bench package is installed (through the pnpm symlink). */
export function packageDir(name: string): string {
  return realpathSync(join(benchDir, "node_modules", name));
}

/** Read from disk: some packages' `exports` maps do not expose ./package.json. */
export function packageVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(packageDir(name), "package.json"), "utf8")) as { version: string };
  return manifest.version;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The bench measures the SDK's built files, not its sources; a build older than src/ would print
 * figures for code that no longer exists, so say so next to them.
 */
export function staleBuildWarning(builtFile: string): string | undefined {
  const sdkDir = packageDir("@shop/tracker");
  const srcTime = newestMtime(join(sdkDir, "src"));
  const builtTime = statSync(builtFile).mtimeMs;
  return srcTime > builtTime
    ? `warning: ${builtFile} is older than packages/tracker-sdk/src: rebuild @shop/tracker for current figures`
    : undefined;
}
