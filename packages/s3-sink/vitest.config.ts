import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.integration.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // One Kafka broker and one S3 server on 2 cores: run the files one after another.
          fileParallelism: false,
        },
      },
    ],
  },
});
