import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One Kafka broker on 2 cores, shared with the other suites: run the files one after another.
    fileParallelism: false,
  },
});
