import { defineConfig } from "vitest/config";

// The fidelity suite against a real Trino (make test-trino starts it): not part of `vitest run`, which the
// default config scopes to the unit and integration projects.
export default defineConfig({
  test: {
    name: "trino",
    include: ["test/trino/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
