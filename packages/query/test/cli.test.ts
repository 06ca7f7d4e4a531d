import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { exitCodes, usage } from "../src/cli/run.js";
import { renderAthenaDdl } from "../src/ddl/index.js";
import { runCliCaptured } from "./support/cli.js";
import { closedLoopbackPort } from "./support/ports.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const tsx = join(packageDir, "../../node_modules/.bin/tsx");
const scratch = mkdtempSync(join(tmpdir(), "shop-query-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cli = runCliCaptured;

describe("shop-query (in process)", () => {
  it("--help prints the usage and succeeds", async () => {
    expect(await cli(["--help"])).toEqual({ code: 0, stdout: usage, stderr: "" });
  });

  it.each([
    [[], "no command given"],
    [["frobnicate"], 'unknown command "frobnicate"'],
    [["summary", "--nope"], "Unknown option '--nope'"],
    [["sql"], "sql takes exactly one argument"],
    [["sql", "SELECT 1", "SELECT 2"], "sql takes exactly one argument"],
    [["ddl"], "ddl needs --database NAME"],
    [["ddl", "--database", "shop"], "ddl needs --location"],
    [["summary"], "set S3_BUCKET"],
    [["summary", "--env-file", "/nonexistent/stack.env"], "cannot read --env-file"],
  ])("%j is a usage error: %s", async (argv, message) => {
    const result = await cli(argv);
    expect(result.code).toBe(exitCodes.usage);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toMatch(/^shop-query: /);
  });

  it("ddl prints every Athena statement for the lake root", async () => {
    const result = await cli(["ddl", "--database", "shop_analytics", "--location", "s3://shop-lake/prod"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      renderAthenaDdl({ database: "shop_analytics", root: "s3://shop-lake/prod" })
        .map((s) => s.sql)
        .join("\n"),
    );
  });

  it("ddl defaults the location to the bucket and prefix, and --json lists the statements", async () => {
    const result = await cli(["ddl", "--database", "shop", "--json"], {
      S3_BUCKET: "shop-lake",
      SHOP_QUERY_PREFIX: "prod",
    });
    expect(result.code).toBe(0);
    const statements = JSON.parse(result.stdout) as { name: string; sql: string }[];
    expect(statements.map((s) => s.name)).toEqual([
      "events",
      "sessions",
      "fraud_alerts",
      "users",
      "daily_metrics",
      "live_metrics",
      "dead_letters",
      "unique_events",
      "daily_funnel",
      "daily_revenue",
      "events_by_type",
      "live_metrics_latest",
      "session_people",
    ]);
    expect(statements[0]?.sql).toContain("LOCATION 's3://shop-lake/prod/events/'");
  });

  it("ddl rejects a bad database name with a clear message", async () => {
    const result = await cli(["ddl", "--database", "Shop;", "--location", "s3://shop-lake/prod"]);
    expect(result).toEqual({
      code: exitCodes.usage,
      stdout: "",
      stderr: 'shop-query: database "Shop;" is not a valid Athena database name (lower-case letters, digits, _)\n',
    });
  });
});

describe("shop-query (as a process)", () => {
  // Spawns tsx: its start-up alone can take seconds on a busy 2-core machine.
  it("an unreachable store exits 3 with one line and no stack trace", async () => {
    const port = await closedLoopbackPort();
    const run = promisify(execFile)(tsx, ["src/cli.ts", "summary", "--cache-dir", join(scratch, "cache")], {
      cwd: packageDir,
      env: {
        PATH: process.env.PATH ?? "",
        S3_ENDPOINT_URL: `http://127.0.0.1:${port}`,
        S3_BUCKET: "shop-analytics-local",
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "local",
        AWS_SECRET_ACCESS_KEY: "localsecret",
      },
    });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e as { code: number; stdout: string; stderr: string },
    );
    expect(error?.code).toBe(exitCodes.store);
    expect(error?.stdout).toBe("");
    expect(error?.stderr).toBe(
      `shop-query: cannot reach the S3 endpoint for bucket shop-analytics-local (connect ECONNREFUSED 127.0.0.1:${port})\n`,
    );
  }, 30_000);
});
