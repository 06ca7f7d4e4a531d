import { defineConfig } from "vitest/config";

// test/browser drives a real Chromium and has its own run; the unit suites stay fast and headless.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
