import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CatalogueFixture, openCatalogueFixture, sinkBatches } from "./support/catalogue-fixture.js";
import { runCliCaptured } from "./support/cli.js";
import { runSink } from "./support/sink.js";
import { openTestLake, stackEnv, type TestLake } from "./support/stack.js";

// The catalogue end to end: the real S3 sink writes the fixture's events (Parquet) and dead letters (JSON
// lines) to the real S3 server through its own S3 store, the Spark tables are uploaded beside them, then
// `shop-query run` syncs it all into the local engine like an analyst's laptop would.
let lake: TestLake;
let fixture: CatalogueFixture;
let env: Record<string, string | undefined>;
let sinkKeys: string[];

const sparkFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".parquet") && !path.startsWith(".") && !path.startsWith("events/"))
    .map((path) => join(dir, path));

beforeAll(async () => {
  lake = await openTestLake();
  fixture = await openCatalogueFixture();
  const written = await runSink(sinkBatches, { s3: lake.s3, bucket: lake.config.bucket, prefix: lake.prefix });
  sinkKeys = [...written.keys()].sort();
  for (const path of sparkFiles(fixture.dir)) await lake.put(relative(fixture.dir, path), readFileSync(path));
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

  it("runs dq_dead_letters over the JSON lines the sink wrote, as Athena's dead_letters table reads them", async () => {
    // The sink's own keys, under the lake prefix: what Athena's projection template would find.
    expect(sinkKeys.filter((key) => key.includes("/dead-letter/"))).toEqual([
      expect.stringMatching(
        /^test-[0-9a-f-]+\/dead-letter\/sink\/dt=2026-11-23\/hour=10\/events\.raw\+0\+\d{20}\+\d{20}\.jsonl$/,
      ),
      expect.stringMatching(
        /^test-[0-9a-f-]+\/dead-letter\/sink\/dt=2026-11-23\/hour=16\/events\.raw\+0\+\d{20}\+\d{20}\.jsonl$/,
      ),
      expect.stringMatching(
        /^test-[0-9a-f-]+\/dead-letter\/sink\/dt=2026-11-24\/hour=09\/events\.raw\+0\+\d{20}\+\d{20}\.jsonl$/,
      ),
    ]);
    // Objects Athena's projection never reads: an unknown stage, a stage=… folder, another suffix.
    await lake.put("dead-letter/replayed/dt=2026-11-23/hour=10/x.jsonl", '{"v":1,"reason":{"code":"ghost"}}\n');
    await lake.put("dead-letter/stage=sink/dt=2026-11-23/hour=10/x.jsonl", '{"v":1,"reason":{"code":"ghost"}}\n');
    await lake.put("dead-letter/sink/dt=2026-11-23/hour=10/x.json.tmp", '{"v":1,"reason":{"code":"ghost"}}\n');
    const result = await runCliCaptured(["run", "dq_dead_letters", ...all, "--format", "json"], env);
    expect(result.stderr).toMatch(/dead_letters 3 file\(s\)/);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      { day: "2026-11-23", stage: "sink", reason_code: "not_json", dead_letters: 2 },
      { day: "2026-11-23", stage: "sink", reason_code: "empty_value", dead_letters: 1 },
      { day: "2026-11-24", stage: "sink", reason_code: "not_collected_event", dead_letters: 1 },
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
