import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.integration.test.ts", "test/trino/**"],
        },
      },
      {
        // Real S3 server (scripts/stack/up.sh); each file works under its own test-<uuid>/ prefix.
        test: {
          name: "integration",
          include: ["test/**/*.integration.test.ts"],
          exclude: ["test/trino/**"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
