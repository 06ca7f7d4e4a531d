import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadCatalogue } from "../src/catalogue/catalogue.js";
import { localViewSources, viewSources } from "../src/sql-files.js";

// The translation step (transpile/, sqlglot in a uv project) runs here for real: the generated DuckDB
// files must be what it produces from today's sources. uv comes from scripts/bootstrap.sh (.tools/uv).
const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const uv = process.env.UV ?? fileURLToPath(new URL("../../../.tools/uv/bin/uv", import.meta.url));

function transpile(args: string[]) {
  const result = spawnSync(
    uv,
    ["run", "--locked", "--quiet", "--directory", "transpile", "python", "-m", "shop_transpile", ...args],
    {
      cwd: packageRoot,
      encoding: "utf8",
      env: { ...process.env, UV_PYTHON_DOWNLOADS: "never", UV_PYTHON: process.env.UV_PYTHON ?? "python3.11" },
      timeout: 120_000,
    },
  );
  if (result.error) throw result.error;
  return result;
}

describe("the translation step", () => {
  it("sql/duckdb/ is up to date (run `pnpm --filter @shop/query generate`)", () => {
    const result = transpile(["--check"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  }, 120_000);

  it("the check fails on a stale file and names it", () => {
    const dir = mkdtempSync(join(tmpdir(), "shop-query-transpile-"));
    try {
      cpSync(join(packageRoot, "sql"), dir, { recursive: true });
      writeFileSync(join(dir, "duckdb/questions/top_products.sql"), "-- edited by hand\nSELECT 1\n");
      const result = transpile(["--check", "--sql-dir", dir]);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("duckdb/questions/top_products.sql is stale");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("every view and question has exactly one generated DuckDB form", () => {
    expect(localViewSources().map((v) => v.name)).toEqual(viewSources().map((v) => v.name));
    for (const question of loadCatalogue()) {
      expect(question.localSql).not.toBe("");
      expect(question.localParamOrder.length).toBeGreaterThan(0);
    }
  });

  it("where the dialects differ, the DuckDB form is the translated one", () => {
    const topProducts = loadCatalogue().find((q) => q.name === "top_products");
    expect(topProducts?.athenaSql).toContain("json_extract_scalar(item, '$.product_id')");
    expect(topProducts?.localSql).toContain("item ->> '$.product_id'");
    expect(topProducts?.localSql).not.toContain("json_extract_scalar");
  });
});
