/// <reference types="node" />
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sleep } from "./wait.js";

/** The package's build output (see BROWSER-API.md). */
export const distDir = fileURLToPath(new URL("../../../dist", import.meta.url));

/** The files a shop page loads: the script build, and the ESM entry with the chunks it imports. */
async function missingFiles(dir: string): Promise<string[]> {
  const missing: string[] = [];
  const read = (name: string) => readFile(join(dir, name), "utf8").catch(() => undefined);
  if ((await read("shop-tracker.iife.js")) === undefined) missing.push("shop-tracker.iife.js");
  const esm = await read("browser.js");
  if (esm === undefined) return [...missing, "browser.js"];
  for (const [, chunk] of esm.matchAll(/from\s*["']\.\/([^"']+)["']/g)) {
    if (chunk && (await read(chunk)) === undefined) missing.push(chunk);
  }
  return missing;
}

export class SdkBuildMissingError extends Error {
  constructor(missing: string[]) {
    super(`dist/ lacks ${missing.join(", ")}: build the SDK first (cd packages/tracker-sdk && pnpm run build)`);
    this.name = "SdkBuildMissingError";
  }
}

/**
 * Copies dist/ once per test file and serves the copy: a rebuild running meanwhile (watch mode, a
 * second session) cannot swap chunk names under a test. A copy caught mid-build is retried.
 */
export async function snapshotSdkBuild(): Promise<{ dir: string; dispose(): Promise<void> }> {
  let missing: string[] = [];
  for (let attempt = 0; attempt < 15; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), "shop-tracker-sdk-"));
    await cp(distDir, dir, { recursive: true }).catch(() => undefined);
    missing = await missingFiles(dir);
    if (missing.length === 0) return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
    await rm(dir, { recursive: true, force: true });
    await sleep(2_000);
  }
  throw new SdkBuildMissingError(missing);
}
