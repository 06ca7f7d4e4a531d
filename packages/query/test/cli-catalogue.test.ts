import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalogue } from "../src/catalogue/catalogue.js";
import { type CliIo, exitCodes, runCli } from "../src/cli/run.js";
import { type CatalogueFixture, openCatalogueFixture } from "./support/catalogue-fixture.js";

// The CLI's list/run/sql over the catalogue fixture: the engine seam hands it the fixture's DuckDB engine
// (the S3 sync itself is covered by cli.integration.test.ts), the configuration is a valid local one.
let fixture: CatalogueFixture;
let opened = 0;

beforeAll(async () => {
  fixture = await openCatalogueFixture();
}, 60_000);

afterAll(async () => {
  await fixture?.engine.close();
  if (fixture) rmSync(fixture.dir, { recursive: true, force: true });
});

const env = {
  S3_ENDPOINT_URL: "http://127.0.0.1:1",
  S3_BUCKET: "shop-analytics-local",
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "local",
  AWS_SECRET_ACCESS_KEY: "localsecret",
};

async function cli(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    env,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    now: () => new Date("2026-12-01T12:00:00Z"),
    openEngine: async () => {
      opened++;
      return {
        sqlDialect: fixture.engine.sqlDialect,
        query: (sql, params) => fixture.engine.query(sql, params),
        close: async () => {},
      };
    },
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

const all = ["--param", "from=2026-11-01", "--param", "to=2026-12-31"];

describe("shop-query list", () => {
  it("shows every question with its description and parameters", async () => {
    const result = await cli(["list"]);
    expect(result.code).toBe(0);
    for (const question of loadCatalogue()) {
      expect(result.stdout).toContain(`${question.name}\n    ${question.description}\n`);
    }
    expect(result.stdout).toContain(
      "    --param device=<enum(desktop|mobile|tablet|bot|other)>  Only this device type; all when unset. [default all]",
    );
    expect(result.stdout).toContain(
      "    --param from=<date>  First day (UTC, session start), inclusive. [default today-30]",
    );
  });

  it("--format json lists names, descriptions and typed parameters", async () => {
    const result = await cli(["list", "--format", "json"]);
    const entries = JSON.parse(result.stdout) as {
      name: string;
      params: { name: string; type: string; default: string }[];
    }[];
    expect(entries.find((e) => e.name === "top_products")?.params).toEqual([
      { name: "from", type: "date", default: "today-30", description: "First day (UTC, event time), inclusive." },
      { name: "to", type: "date", default: "today", description: "Last day (UTC, event time), inclusive." },
      { name: "limit", type: "integer", default: "20", description: "How many products." },
    ]);
  });
});

describe("shop-query run", () => {
  it("prints an aligned table by default, numbers right-aligned", async () => {
    const result = await cli(["run", "time_to_purchase", ...all]);
    expect(result).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        "time_to_purchase  people  share",
        "----------------  ------  -----",
        "first session          1   0.25",
        "1-7 days               1   0.25",
        "not yet                2    0.5",
        "(3 rows)",
        "",
      ].join("\n"),
    });
  });

  it("--format csv is RFC 4180: quoted fields where needed, CRLF, NULL empty", async () => {
    const result = await cli(["run", "fraud_alerts_latest", ...all, "--param", "limit=1", "--format", "csv"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      "alert_ts,score,event_name,order_id,customer,amount,currency,reason_codes,reasons\r\n" +
        '2026-11-30T12:07:02.000Z,91,Order Completed,O3,u1,80,USD,"card_testing.distinct_cards,velocity.orders",' +
        "3 cards from this device in 10 minutes (limit 2); 2 orders from this account in 1 hour (limit 1)\r\n",
    );
    const withNull = await cli(["run", "revenue_by_campaign", ...all, "--format", "csv"]);
    expect(withNull.stdout.split("\r\n")[3]).toBe("(none),direct,,1,50,0,50");
  });

  it("--format json (and --json) prints the rows", async () => {
    const result = await cli(["run", "dq_dead_letters", ...all, "--format", "json"]);
    expect(JSON.parse(result.stdout)).toEqual([
      { day: "2026-11-23", stage: "sink", reason_code: "not_json", dead_letters: 2 },
      { day: "2026-11-23", stage: "sink", reason_code: "empty_value", dead_letters: 1 },
      { day: "2026-11-24", stage: "sink", reason_code: "not_collected_event", dead_letters: 1 },
    ]);
    expect((await cli(["run", "dq_dead_letters", ...all, "--json"])).stdout).toBe(result.stdout);
  });

  it("date defaults are relative to today", async () => {
    // Today is 2026-12-01: the default from (today-2) keeps 11-30 and 12-01 only.
    const result = await cli(["run", "dq_rows_per_hour", "--format", "json"]);
    expect(JSON.parse(result.stdout).map((r: { dt: string }) => r.dt)).toEqual([
      "2026-11-30",
      "2026-11-30",
      "2026-12-01",
    ]);
  });

  it.each([
    [
      ["run", "funnel_sessions", "--param", "from=yesterday"],
      'parameter from: expected date (YYYY-MM-DD, today or today-N), got "yesterday"',
    ],
    [
      ["run", "funnel_sessions", "--param", "device=fridge"],
      'parameter device: expected one of desktop, mobile, tablet, bot, other, got "fridge"',
    ],
    [["run", "top_products", "--param", "limit=ten"], 'parameter limit: expected integer (0 or more), got "ten"'],
    [
      ["run", "top_products", "--param", "colour=red"],
      'top_products has no parameter "colour" (its parameters: from, to, limit)',
    ],
    [["run", "top_products", "--param", "limit"], '--param "limit": expected NAME=VALUE'],
    [["run", "top_products", "--param", "limit=1", "--param", "limit=2"], "--param limit given twice"],
  ])("%j is a parameter error (exit 2) naming the parameter, before any engine opens", async (argv, message) => {
    const before = opened;
    const result = await cli(argv);
    expect(result.code).toBe(exitCodes.usage);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`shop-query: ${message}\nRun shop-query list for each question's parameters.\n`);
    expect(opened).toBe(before);
  });

  it.each([
    [["run"], "run takes one question name"],
    [["run", "nope"], 'no question named "nope" (shop-query list shows 17:'],
    [["run", "top_products", "--format", "xml"], '--format "xml": use one of table, csv, json'],
    [["list", "--param", "a=b"], "--param goes with run"],
    [["summary", "--chart"], "--chart goes with run or sql"],
  ])("%j is a usage error (exit 2)", async (argv, message) => {
    const result = await cli(argv);
    expect(result.code).toBe(exitCodes.usage);
    expect(result.stderr).toContain(message);
  });
});

describe("shop-query sql", () => {
  it("runs one statement in the local engine's dialect, in any format", async () => {
    const result = await cli([
      "sql",
      "SELECT person_key, count(*) AS sessions FROM session_people GROUP BY 1 ORDER BY 1",
      "--format",
      "csv",
    ]);
    expect(result.stdout).toBe("person_key,sessions\r\nanon-c,2\r\nanon-e,1\r\nu1,4\r\nu3,1\r\n");
  });

  it("bad SQL exits 4 with the engine's message", async () => {
    const result = await cli(["sql", "SELECT nope FROM sessions"]);
    expect(result.code).toBe(exitCodes.sql);
    expect(result.stderr).toMatch(/^shop-query: Binder Error: Referenced column "nope" not found/);
  });
});

describe("--chart", () => {
  it("draws bars for a text dimension and one measure", async () => {
    const result = await cli(["run", "time_to_purchase", ...all, "--chart", "--measure", "people"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "time_to_purchase   people",
        `first session    │${"█".repeat(20)} 1`,
        `1-7 days         │${"█".repeat(20)} 1`,
        `not yet          │${"█".repeat(40)} 2`,
        "",
      ].join("\n"),
    );
  });

  it("draws a line over dates (asciichart)", async () => {
    const result = await cli(["run", "live_last_hour", "--chart", "--measure", "events"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe("events by minute");
    expect(result.stdout).toMatch(/╭|╰|─/);
    expect(result.stdout).toContain("2026-11-30T11:04:00.000Z … 2026-11-30T12:03:00.000Z (3 points)");
  });

  it("a result that is not one dimension and one measure is a usage error that lists the choices", async () => {
    const result = await cli(["run", "time_to_purchase", ...all, "--chart"]);
    expect(result.code).toBe(exitCodes.usage);
    expect(result.stderr).toContain(
      "--chart: a chart needs one measure: pick one with --measure (numeric columns: people, share)",
    );
    const unknown = await cli(["run", "time_to_purchase", ...all, "--chart", "--measure", "nope"]);
    expect(unknown.stderr).toContain("--measure nope: the result has no such column");
  });
});

describe("shop-query as a process", () => {
  it("a parameter error exits 2 before touching S3", async () => {
    const packageDir = fileURLToPath(new URL("..", import.meta.url));
    const tsx = join(packageDir, "../../node_modules/.bin/tsx");
    const error = await promisify(execFile)(tsx, ["src/cli.ts", "run", "landing_pages", "--param", "limit=many"], {
      cwd: packageDir,
      env: { PATH: process.env.PATH ?? "", ...env },
    }).then(
      () => undefined,
      (e: unknown) => e as { code: number; stdout: string; stderr: string },
    );
    expect(error?.code).toBe(2);
    expect(error?.stdout).toBe("");
    expect(error?.stderr).toBe(
      'shop-query: parameter limit: expected integer (0 or more), got "many"\nRun shop-query list for each question\'s parameters.\n',
    );
  }, 30_000);
});
