import { defineConfig } from "vitest/config";

/**
 * Real-browser suite: headless Debian Chromium driven by playwright-core against loopback servers.
 * One file at a time (two cores; each file owns a browser), generous timeouts (unload delivery and
 * reloads are real waits).
 */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
