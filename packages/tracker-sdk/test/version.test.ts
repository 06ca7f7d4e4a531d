import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VERSION } from "../src/core/config.js";

// `changeset version` bumps package.json; the version the SDK reports in context.library must follow.
describe("version", () => {
  it("the SDK reports the package's version", () => {
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(VERSION).toBe(version);
  });
});
