import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CatalogueFixture, openCatalogueFixture } from "./support/catalogue-fixture.js";
import { runCliCaptured } from "./support/cli.js";
import { openTestLake, stackEnv, type TestLake } from "./support/stack.js";

// The catalogue end to end: the fixture's lake (the sink's objects and the Spark tables) uploaded to the
// real S3 server, then `shop-query run` syncs it into the local engine like an analyst's laptop would.
let lake: TestLake;
let fixture: CatalogueFixture;
let env: Record<string, string | undefined>;

const parquetFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".parquet") && !path.startsWith("."))
    .map((path) => join(dir, path));

beforeAll(async () => {
  lake = await openTestLake();
  fixture = await openCatalogueFixture();
  for (const path of parquetFiles(fixture.dir)) {
    const key = relative(fixture.dir, path);
    if (key.startsWith("dead_letters/")) continue; // not a contract table yet: the local engine does not sync it
    await lake.put(key, readFileSync(path));
  }
  env = { ...stackEnv(), SHOP_QUERY_PREFIX: lake.prefix, SHOP_QUERY_CACHE_DIR: join(fixture.dir, "cli-cache") };
});

afterAll(async () => {
  await lake?.dispose();
  await fixture?.engine.close();
  if (fixture) rmSync(fixture.dir, { recursive: true, force: true });
});

const all = ["--param", "from=2026-11-01", "--param", "to=2026-12-31"];

describe("shop-query run against the real S3 server", () => {
  it("syncs every table a question reads and answers as over local files", async () => {
    const result = await runCliCaptured(["run", "revenue_by_campaign", ...all, "--format", "json"], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^synced s3:\/\/\S+: events 12 file\(s\).*sessions 3 file\(s\).*fraud_alerts 2 file\(s\).*users 2 file\(s\).*live_metrics 1 file\(s\)/,
    );
    expect(JSON.parse(result.stdout)).toEqual([
      {
        campaign: "black-friday",
        channel: "email",
        currency: "EUR",
        orders: 1,
        gross_revenue: 100,
        refunds: 0,
        net_revenue: 100,
      },
      {
        campaign: "cyber-monday",
        channel: "paid_search",
        currency: "USD",
        orders: 1,
        gross_revenue: 80,
        refunds: -20,
        net_revenue: 60,
      },
      {
        campaign: "(none)",
        channel: "direct",
        currency: null,
        orders: 1,
        gross_revenue: 50,
        refunds: 0,
        net_revenue: 50,
      },
    ]);
  });

  it("reads the users table and the views over it", async () => {
    const result = await runCliCaptured(["run", "retention_weekly", ...all, "--format", "csv"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      "cohort_week,cohort_size,week,active_people,retention\r\n" +
        "2026-11-23,3,0,3,1\r\n2026-11-23,3,1,1,0.3333\r\n2026-11-30,1,0,1,1\r\n",
    );
  });
});
