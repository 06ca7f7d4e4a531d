import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium (apt-get install chromium); Playwright's own browser downloads are not used. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * The background-networking flags matter here: without them Chromium dials Google's hosts at start
 * and this machine's closed network refuses them. Playwright adds a fresh temporary --user-data-dir
 * to every launch itself (passing one in args is refused), so each launch starts with an empty profile.
 */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

export class ChromiumMissingError extends Error {
  constructor(path: string) {
    super(`no Chromium at ${path}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
    this.name = "ChromiumMissingError";
  }
}

export interface LaunchOptions {
  /**
   * The caller handles SIGINT and SIGTERM itself and closes the browser when done. Playwright's own handlers (the
   * default) close every browser and exit the process with 130 at the first Ctrl-C, before the caller can finish.
   */
  readonly callerHandlesSignals?: boolean;
}

/** Launches Chromium with `chromiumArgs`, plus `extraArgs` for a suite that needs them (say why there). */
export async function launchChromium(extraArgs: readonly string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new ChromiumMissingError(chromiumPath);
  return chromium.launch({
    executablePath: chromiumPath,
    args: [...chromiumArgs, ...extraArgs],
    headless: true,
    timeout: 60_000,
    ...(options.callerHandlesSignals ? { handleSIGINT: false, handleSIGTERM: false } : {}),
  });
}
