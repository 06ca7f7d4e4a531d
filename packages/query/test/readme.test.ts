import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { catalogueTable } from "./support/readme-table.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("the catalogue table lists every question with its description and parameters", () => {
    expect(readme).toContain(catalogueTable());
  });
});
