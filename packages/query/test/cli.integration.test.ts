import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitCodes } from "../src/cli/run.js";
import { runCliCaptured } from "./support/cli.js";
import { session, writeEventPartitions, writeSessionPartition } from "./support/dataset.js";
import { contractEventRows } from "./support/parquet.js";
import { openTestLake, stackEnv, type TestLake } from "./support/stack.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const tsx = join(packageDir, "../../node_modules/.bin/tsx");

let lake: TestLake;
let dir: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  lake = await openTestLake();
  dir = mkdtempSync(join(tmpdir(), "shop-query-cli-it-"));
  const files = [
    ...(await writeEventPartitions(join(dir, "src"), contractEventRows(), "batch-1")),
    await writeSessionPartition(join(dir, "src"), "2026-11-28", [session("s1", "2026-11-28T10:00:00.000Z")]),
  ];
  for (const file of files) await lake.put(file.key, readFileSync(file.path));
  env = { ...stackEnv(), SHOP_QUERY_PREFIX: lake.prefix, SHOP_QUERY_CACHE_DIR: join(dir, "cache") };
});

afterAll(async () => {
  await lake?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cli = (argv: string[]) => runCliCaptured(argv, env);

describe("shop-query against the real S3 server", () => {
  it("summary --json prints the exact summary and reports the sync on stderr", async () => {
    const result = await cli(["summary", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      eventsByType: [
        { event_type: "track", events: 9 },
        { event_type: "identify", events: 2 },
        { event_type: "alias", events: 1 },
        { event_type: "group", events: 1 },
        { event_type: "page", events: 1 },
        { event_type: "screen", events: 1 },
      ],
      sessions: 1,
      orders: 1,
      firstEventAt: "2026-11-28T00:00:00.000Z",
      lastEventAt: "2026-11-29T00:00:00.000Z",
    });
    expect(result.stderr).toMatch(
      /^synced s3:\/\/shop-analytics-local\/test-[0-9a-f-]+\/: events 7 file\(s\) \(\d+ downloaded, \d+ cached, 0 removed\), sessions 1 file\(s\)/,
    );
  });

  it("summary prints tables", async () => {
    const result = await cli(["summary"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("track            9");
    expect(result.stdout).toContain("BRL            1  179.80   -89.90  89.90");
  });

  it("sql prints rows as a table, or JSON with --json", async () => {
    const sql = "SELECT event_type, count(*) AS n FROM events WHERE dt = '2026-11-29' GROUP BY event_type";
    expect((await cli(["sql", sql])).stdout).toBe("event_type  n\n----------  -\nscreen      1\n(1 row)\n");
    expect(JSON.parse((await cli(["sql", sql, "--json"])).stdout)).toEqual([{ event_type: "screen", n: 1 }]);
  });

  it("bad SQL exits 4 with the engine's message and no stack trace", async () => {
    const result = await cli(["sql", "SELECT nope FROM events"]);
    expect(result.code).toBe(exitCodes.sql);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^synced .*\nshop-query: Binder Error: Referenced column "nope" not found/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  // Spawns tsx: its start-up alone can take seconds on a busy 2-core machine.
  it("the bin script runs end to end with --env-file", async () => {
    const { stdout } = await promisify(execFile)(
      tsx,
      ["src/cli.ts", "sql", "SELECT count(*) AS events FROM events", "--json", "--env-file", "../../stack.env"],
      {
        cwd: packageDir,
        env: {
          PATH: process.env.PATH ?? "",
          SHOP_QUERY_PREFIX: lake.prefix,
          SHOP_QUERY_CACHE_DIR: join(dir, "cache-bin"),
          ...(process.env.S3_ENDPOINT_URL ? { S3_ENDPOINT_URL: process.env.S3_ENDPOINT_URL } : {}),
        },
      },
    );
    expect(JSON.parse(stdout)).toEqual([{ events: 15 }]);
  }, 30_000);
});
