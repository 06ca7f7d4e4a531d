import { defineConfig } from "vitest/config";

// One long test: Spark's JVM start dominates, so the timeout is generous.
export default defineConfig({ test: { include: ["test/**/*.test.ts"], testTimeout: 300_000, hookTimeout: 60_000 } });
