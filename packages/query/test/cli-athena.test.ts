import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { getResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { findQuestion } from "../src/catalogue/catalogue.js";
import { exitCodes, runCli } from "../src/cli/run.js";
import { renderAthenaDdl } from "../src/ddl/index.js";
import { summaryQueries } from "../src/summary.js";
import { athenaType, eventsTable, tables } from "../src/tables.js";
import { ENDPOINT, fakeAthena, REGION } from "./support/fake-athena.js";

// The CLI with SHOP_QUERY_ENGINE=athena, end to end through createEngine and the real SDK client, against the
// scripted Athena control plane in msw. The engine polls on the real clock (200 ms, then 400 ms…), so
// each script ends within a poll or two.
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterAll(() => server.close());
beforeEach(() => {
  // The SDK's default credential chain reads the process environment; nothing here may reach a real account.
  vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
  vi.stubEnv("AWS_SESSION_TOKEN", undefined);
  vi.stubEnv("AWS_ENDPOINT_URL", undefined);
  vi.stubEnv("AWS_ENDPOINT_URL_ATHENA", undefined);
});
afterEach(() => {
  server.resetHandlers();
  vi.unstubAllEnvs();
});

const database = "shop_analytics";
const athenaEnv = {
  SHOP_QUERY_ENGINE: "athena",
  ATHENA_DATABASE: database,
  ATHENA_WORKGROUP: "analysts",
  ATHENA_OUTPUT_LOCATION: "s3://query-results/shop/",
  AWS_REGION: REGION,
};
const MB = 1024 ** 2;

interface CliOptions {
  readonly env?: Record<string, string | undefined>;
  /** stderr is a terminal (the progress line is drawn). */
  readonly tty?: boolean;
  /** Sees every stderr write, with the user's Ctrl-C at hand. */
  readonly onStderr?: (text: string, pressCtrlC: () => void) => void;
}

/** Runs the CLI in process; the transcript keeps stdout and stderr writes in the order a terminal shows them. */
async function cli(argv: string[], options: CliOptions = {}) {
  const transcript: ["out" | "err", string][] = [];
  let handler: (() => void) | undefined;
  const interrupts = { subscribed: 0, unsubscribed: 0 };
  const code = await runCli(argv, {
    env: { ...athenaEnv, ...options.env },
    stdout: (text) => transcript.push(["out", text]),
    stderr: (text) => {
      transcript.push(["err", text]);
      options.onStderr?.(text, () => handler?.());
    },
    stderrIsTTY: options.tty ?? false,
    now: () => new Date("2026-12-01T12:00:00Z"),
    onInterrupt: (h) => {
      handler = h;
      interrupts.subscribed += 1;
      return () => {
        handler = undefined;
        interrupts.unsubscribed += 1;
      };
    },
  });
  const text = (stream: "out" | "err") =>
    transcript
      .filter(([s]) => s === stream)
      .map(([, t]) => t)
      .join("");
  return { code, stdout: text("out"), stderr: text("err"), transcript, interrupts };
}

function setup() {
  const athena = fakeAthena();
  server.use(athena.handler);
  const started = () => athena.calls.filter((c) => c.operation === "StartQueryExecution").map((c) => c.body);
  return { athena, started };
}

const funnelColumns = [
  { name: "day", type: "varchar" },
  { name: "channel", type: "varchar" },
  { name: "device", type: "varchar" },
  { name: "sessions", type: "bigint" },
  { name: "ordered", type: "bigint" },
  { name: "conversion_rate", type: "double" },
];
const funnelPages = [
  [
    funnelColumns.map((c) => c.name),
    ["2026-11-01", "direct", "mobile", "12", "1", "0.0833"],
    ["2026-11-02", "email", "mobile", "3", "2", "0.6667"],
  ],
];

describe("shop-query run on Athena", () => {
  it("sends the question's Athena SQL with its parameters as ExecutionParameters, prints the table, then the cost line", async () => {
    const { athena, started } = setup();
    athena.script({
      states: [
        { state: "RUNNING", bytes: 5 * MB },
        { state: "SUCCEEDED", bytes: 42 * MB },
      ],
      columns: funnelColumns,
      pages: funnelPages,
    });

    const result = await cli([
      "run",
      "funnel_sessions",
      "--param",
      "from=2026-11-01",
      "--param",
      "to=2026-11-30",
      "--param",
      "device=mobile",
    ]);

    const question = findQuestion("funnel_sessions");
    expect(started()).toEqual([
      {
        QueryString: question.athenaSql,
        WorkGroup: "analysts",
        QueryExecutionContext: { Catalog: "AwsDataCatalog", Database: database },
        ResultConfiguration: { OutputLocation: "s3://query-results/shop/" },
        // Positional, in athenaParamOrder (from, to, channel, channel, device, device); unset channel is NULL.
        ExecutionParameters: ["'2026-11-01'", "'2026-11-30'", "NULL", "NULL", "'mobile'", "'mobile'"],
        ClientRequestToken: expect.any(String), // the SDK's idempotency token
      },
    ]);
    expect(question.athenaSql).not.toBe(question.localSql);
    expect(athena.operations()).toEqual([
      "StartQueryExecution",
      "GetQueryExecution",
      "GetQueryExecution",
      "GetQueryResults",
    ]);
    expect(result.code).toBe(exitCodes.ok);
    expect(result.stdout).toBe(
      [
        "day         channel  device  sessions  ordered  conversion_rate",
        "----------  -------  ------  --------  -------  ---------------",
        "2026-11-01  direct   mobile        12        1           0.0833",
        "2026-11-02  email    mobile         3        2           0.6667",
        "(2 rows)",
        "",
      ].join("\n"),
    );
    // 42 MB at $5 per 2^40 bytes; not a terminal, so no progress line at all.
    expect(result.stderr).toMatch(
      /^athena: 42\.0 MB scanned, ~\$0\.000200 \(at \$5\/TB, 10 MB minimum\), \d+\.\d s, query query-1\n$/,
    );
    expect(result.interrupts).toEqual({ subscribed: 1, unsubscribed: 1 });
  });

  it("--format csv and --format json print the converted rows; the cost line stays on stderr", async () => {
    const { athena, started } = setup();
    const script = {
      states: [{ state: "SUCCEEDED", bytes: 1_000 }],
      columns: [
        { name: "product_id", type: "varchar" },
        { name: "views", type: "bigint" },
        { name: "orders_per_view", type: "double" },
      ],
      pages: [
        [
          ["product_id", "views", "orders_per_view"],
          ["sku, large", "10", "0.5"],
          ["sku-2", "4", undefined],
        ],
      ],
    };
    athena.script(script, script);
    const argv = ["run", "top_products", "--param", "from=2026-11-01", "--param", "to=2026-11-30"];

    const csv = await cli([...argv, "--param", "limit=5", "--format", "csv"]);
    const json = await cli([...argv, "--json"]);

    expect(csv.stdout).toBe('product_id,views,orders_per_view\r\n"sku, large",10,0.5\r\nsku-2,4,\r\n');
    expect(JSON.parse(json.stdout)).toEqual([
      { product_id: "sku, large", views: 10, orders_per_view: 0.5 },
      { product_id: "sku-2", views: 4, orders_per_view: null },
    ]);
    expect(started().map((s) => s.ExecutionParameters)).toEqual([
      ["'2026-11-01'", "'2026-11-30'", "5"],
      ["'2026-11-01'", "'2026-11-30'", "20"],
    ]);
    // Below the minimum: billed as 10 MB.
    expect(csv.stderr).toMatch(
      /^athena: 1000 B scanned, ~\$0\.0000477 \(at \$5\/TB, 10 MB minimum\), .* query query-1\n$/,
    );
    expect(json.stderr).toMatch(/, query query-2\n$/);
  });

  it("a query Athena fails prints its reason as sent, on one line, and exits 4 without a cost line", async () => {
    const { athena } = setup();
    const reason =
      "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved or requester is not authorized to access requested resources";
    athena.script({ states: [{ state: "FAILED", reason, errorType: 1100 }] });

    const result = await cli(["sql", "SELECT nope FROM events"]);

    expect(result).toMatchObject({
      code: exitCodes.sql,
      stdout: "",
      stderr: `shop-query: Athena query query-1 FAILED: ${reason}\n`,
    });
    expect(athena.operations()).not.toContain("GetQueryResults");
  });

  it("a parameter error exits 2 before anything is sent to Athena", async () => {
    const { athena } = setup();
    const result = await cli(["run", "top_products", "--param", "limit=many"]);
    expect(result.code).toBe(exitCodes.usage);
    expect(result.stderr).toMatch(/^shop-query: parameter limit: expected integer/);
    expect(athena.calls).toEqual([]);
  });
});

describe("shop-query sql and summary on Athena", () => {
  it("sql sends the text as is, without ExecutionParameters", async () => {
    const { athena, started } = setup();
    athena.script({
      states: [{ state: "SUCCEEDED", bytes: 20 * MB }],
      columns: [{ name: "n", type: "bigint" }],
      pages: [[["n"], ["7"]]],
    });
    const sql = "SELECT count(*) AS n FROM events WHERE dt = '2026-11-30'";

    const result = await cli(["sql", sql, "--format", "json"]);

    expect(started()).toEqual([expect.objectContaining({ QueryString: sql })]);
    expect(started()[0]).not.toHaveProperty("ExecutionParameters");
    expect(JSON.parse(result.stdout)).toEqual([{ n: 7 }]);
    expect(result.stderr).toMatch(/^athena: 20\.0 MB scanned, ~\$0\.0000954 /);
  });

  it("sql refuses a statement that is not read-only, before any call", async () => {
    const { athena } = setup();
    const result = await cli(["sql", "DROP TABLE events"]);
    expect(result.code).toBe(exitCodes.sql);
    expect(result.stderr).toMatch(/^shop-query: only SELECT, WITH, VALUES, SHOW, DESCRIBE and EXPLAIN/);
    expect(athena.calls).toEqual([]);
  });

  it("summary runs its four queries on Athena and prints one total cost line", async () => {
    const { athena, started } = setup();
    athena.script(
      {
        states: [{ state: "SUCCEEDED", bytes: 30 * MB }],
        columns: [
          { name: "event_type", type: "varchar" },
          { name: "events", type: "bigint" },
        ],
        pages: [
          [
            ["event_type", "events"],
            ["track", "5"],
            ["page", "3"],
          ],
        ],
      },
      {
        states: [{ state: "SUCCEEDED", bytes: 2 * MB }],
        columns: [{ name: "sessions", type: "bigint" }],
        pages: [[["sessions"], ["4"]]],
      },
      {
        states: [{ state: "SUCCEEDED", bytes: 30 * MB }],
        columns: ["currency", "orders", "gross_revenue", "refunds", "net_revenue"].map((name, i) => ({
          name,
          type: i === 0 ? "varchar" : "double",
        })),
        pages: [
          [
            ["currency", "orders", "gross_revenue", "refunds", "net_revenue"],
            ["USD", "2", "130.0", "-20.0", "110.0"],
          ],
        ],
      },
      {
        states: [{ state: "SUCCEEDED", bytes: 30 * MB }],
        columns: [
          { name: "first_event_at", type: "timestamp(3)" },
          { name: "last_event_at", type: "timestamp(3)" },
        ],
        pages: [
          [
            ["first_event_at", "last_event_at"],
            ["2026-11-28 10:00:00.000", "2026-11-30 12:07:02.000"],
          ],
        ],
      },
    );

    const result = await cli(["summary", "--json"]);

    expect(started().map((s) => s.QueryString)).toEqual(Object.values(summaryQueries));
    expect(JSON.parse(result.stdout)).toEqual({
      eventsByType: [
        { event_type: "track", events: 5 },
        { event_type: "page", events: 3 },
      ],
      sessions: 4,
      orders: 2,
      revenue: [{ currency: "USD", orders: 2, grossRevenue: 130, refunds: -20, netRevenue: 110 }],
      firstEventAt: "2026-11-28T10:00:00.000Z",
      lastEventAt: "2026-11-30T12:07:02.000Z",
    });
    // 30 + 10 (the 2 MB query is billed at the minimum) + 30 + 30 MB.
    expect(result.stderr).toMatch(
      /^athena: 4 queries, 92\.0 MB scanned, ~\$0\.000477 \(at \$5\/TB, 10 MB minimum each\), \d+\.\d s\n$/,
    );
  });

  it("refuses the local engine's sync options rather than ignore them", async () => {
    const { athena } = setup();
    const result = await cli(["run", "top_products", "--from", "2026-11-01", "--cache-dir", "/tmp/x"]);
    expect(result.code).toBe(exitCodes.usage);
    expect(result.stderr).toContain("shop-query: --cache-dir, --from: for the local engine's sync only");
    expect(athena.calls).toEqual([]);
  });

  it("a missing Athena setting is a configuration error naming it (exit 2)", async () => {
    const result = await cli(["sql", "SELECT 1"], { env: { ATHENA_DATABASE: undefined } });
    expect(result.code).toBe(exitCodes.usage);
    expect(result.stderr).toContain("set ATHENA_DATABASE");
  });
});

describe("progress and Ctrl-C on Athena", () => {
  it("on a terminal, one progress line is rewritten per poll and cleared before the results and the cost line", async () => {
    const { athena } = setup();
    athena.script({
      states: [{ state: "QUEUED" }, { state: "RUNNING", bytes: 5 * MB }, { state: "SUCCEEDED", bytes: 42 * MB }],
      columns: funnelColumns,
      pages: funnelPages,
    });

    const result = await cli(["run", "funnel_sessions", "--format", "csv"], { tty: true });

    expect(result.code).toBe(exitCodes.ok);
    const shape = result.transcript.map(([stream, text]) => {
      if (stream === "out") return "results";
      if (text === "\r\x1b[K") return "clear";
      if (text.startsWith("athena: 42.0 MB scanned")) return "cost";
      return text.replace(/\d+\.\d s/, "<t> s");
    });
    expect(shape).toEqual([
      "\rathena queued <t> s, 0 B scanned\x1b[K",
      "\rathena running <t> s, 5.00 MB scanned\x1b[K",
      "\rathena succeeded <t> s, 42.0 MB scanned\x1b[K",
      "clear",
      "results",
      "cost",
    ]);
  });

  it("Ctrl-C stops the running query with StopQueryExecution and exits 130", async () => {
    const { athena } = setup();
    athena.script({ states: [{ state: "QUEUED" }, { state: "RUNNING", bytes: 5 * MB }] }); // runs until stopped

    const result = await cli(["run", "funnel_sessions"], {
      tty: true,
      onStderr: (text, pressCtrlC) => {
        // A signal arrives as an event of its own, not inside the write that drew the line.
        if (text.includes("athena running")) setImmediate(pressCtrlC);
      },
    });

    expect(result.code).toBe(exitCodes.interrupted);
    expect(result.code).toBe(130);
    expect(athena.operations()).toEqual([
      "StartQueryExecution",
      "GetQueryExecution",
      "GetQueryExecution",
      "StopQueryExecution",
    ]);
    expect(athena.calls.at(-1)?.body).toEqual({ QueryExecutionId: "query-1" });
    expect(result.stdout).toBe("");
    // The progress line is cleared before the message, so it does not end up on the line drawn last.
    expect(result.stderr.replace(/\d+\.\d s/g, "<t> s")).toBe(
      "\rathena queued <t> s, 0 B scanned\x1b[K\rathena running <t> s, 5.00 MB scanned\x1b[K\r\x1b[K" +
        "shop-query: stopping the query on Athena (Ctrl-C again quits without waiting)\n" +
        "shop-query: query query-1 cancelled (stopped on Athena)\n",
    );
    expect(result.interrupts).toEqual({ subscribed: 1, unsubscribed: 1 });
  });

  it("the local engine leaves Ctrl-C alone (nothing to stop: it quits at once)", async () => {
    let handlers = 0;
    const code = await runCli(["sql", "SELECT 1 AS one"], {
      env: { SHOP_QUERY_ENGINE: "local", S3_BUCKET: "shop-lake", AWS_REGION: "us-east-1" },
      stdout: () => {},
      stderr: () => {},
      onInterrupt: () => {
        handlers += 1;
        return () => {};
      },
      openEngine: async (config) => {
        expect(config.kind).toBe("local");
        return { query: async () => [{ one: 1 }] as never[], close: async () => {} };
      },
    });
    expect(code).toBe(exitCodes.ok);
    expect(handlers).toBe(0);
  });
});

/** A table as Glue lists it after the contract's DDL ran, optionally with other columns. */
const glueTable = (table: (typeof tables)[number], columns = table.columns) => ({
  Name: table.name,
  TableType: "EXTERNAL_TABLE",
  Columns: columns.map((c) => ({ Name: c.name, Type: athenaType(c.type) })),
  PartitionKeys: table.partitions.map((c) => ({ Name: c.name, Type: athenaType(c.type) })),
});

describe("shop-query ddl --apply", () => {
  const location = ["--location", "s3://shop-lake/prod"];
  const statements = renderAthenaDdl({ database, root: "s3://shop-lake/prod" });
  const views = statements.filter((s) => s.kind === "view");

  it("creates every table and view of an empty database, a line per step, one statement per query", async () => {
    const { athena, started } = setup();

    const result = await cli(["ddl", "--apply", ...location]);

    expect(result.code).toBe(exitCodes.ok);
    expect(athena.operations()[0]).toBe("ListTableMetadata");
    expect(started().map((s) => s.QueryString)).toEqual(statements.map((s) => s.sql));
    expect(started().every((s) => s.ExecutionParameters === undefined)).toBe(true);
    expect(result.stdout).toBe(
      [
        "[ 1/13] events: created",
        "[ 2/13] sessions: created",
        "[ 3/13] fraud_alerts: created",
        "[ 4/13] users: created",
        "[ 5/13] daily_metrics: created",
        "[ 6/13] live_metrics: created",
        "[ 7/13] dead_letters: created",
        "[ 8/13] unique_events: replaced",
        "[ 9/13] daily_funnel: replaced",
        "[10/13] daily_revenue: replaced",
        "[11/13] events_by_type: replaced",
        "[12/13] live_metrics_latest: replaced",
        "[13/13] session_people: replaced",
        "shop_analytics: 13 step(s) applied: 7 created, 6 views replaced",
        "",
      ].join("\n"),
    );
    expect(result.stderr).toBe(""); // DDL is not billed: no cost line
  });

  it("adds the columns the contract appended and leaves unchanged tables alone; --database wins over ATHENA_DATABASE", async () => {
    const { athena, started } = setup();
    athena.tables = tables.map((t) => (t.name === "events" ? glueTable(t, t.columns.slice(0, -2)) : glueTable(t)));
    const [a, b] = eventsTable.columns.slice(-2);

    const result = await cli(["ddl", "--apply", "--database", "lake_prod", ...location]);

    expect(result.code).toBe(exitCodes.ok);
    expect(athena.calls[0]?.body).toEqual({ CatalogName: "AwsDataCatalog", DatabaseName: "lake_prod" });
    expect(started()[0]?.QueryString).toMatch(/^ALTER TABLE `lake_prod`\.`events` ADD COLUMNS \(/);
    expect(started()).toHaveLength(1 + views.length);
    expect(result.stdout.split("\n").slice(0, 3)).toEqual([
      `[ 1/13] events: columns added (${a?.name}, ${b?.name})`,
      "[ 2/13] sessions: unchanged",
      "[ 3/13] fraud_alerts: unchanged",
    ]);
    expect(result.stdout).toContain(
      "lake_prod: 13 step(s) applied: 1 with columns added, 6 unchanged, 6 views replaced\n",
    );
  });

  it("refuses a conflicting table before running anything (exit 4), and --recreate drops and re-creates it", async () => {
    const { athena, started } = setup();
    const retyped = eventsTable.columns.map((c) => (c.name === "quantity" ? { ...c, type: "string" as const } : c));
    athena.tables = tables.map((t) => (t.name === "events" ? glueTable(t, retyped) : glueTable(t)));

    const refused = await cli(["ddl", "--apply", ...location]);

    expect(refused.code).toBe(exitCodes.sql);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toMatch(
      /^shop-query: table events differs from the contract beyond appended columns: column \d+ is `quantity string`, the contract says `quantity int`\. Nothing was run\. ddl --apply --recreate drops and re-creates it \(an external table: the data stays in S3\)\.\n$/,
    );
    expect(started()).toEqual([]);

    const recreated = await cli(["ddl", "--apply", "--recreate", ...location]);

    expect(recreated.code).toBe(exitCodes.ok);
    expect(
      started()
        .slice(0, 2)
        .map((s) => s.QueryString),
    ).toEqual([`DROP TABLE IF EXISTS \`${database}\`.\`events\``, statements[0]?.sql]);
    expect(recreated.stdout).toMatch(
      /^\[ 1\/13\] events: dropped and re-created \(external table: the data stays in S3\)\n\[ 2\/13\] sessions: unchanged\n/,
    );
  });

  it("a statement Athena fails stops the deploy with its reason (exit 4)", async () => {
    const { athena, started } = setup();
    athena.script({
      states: [
        { state: "FAILED", reason: "FAILED: SemanticException [Error 10072]: Database does not exist: shop_analytics" },
      ],
      statementType: "DDL",
    });
    const result = await cli(["ddl", "--apply", ...location]);
    expect(result.code).toBe(exitCodes.sql);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      "shop-query: Athena query query-1 FAILED: FAILED: SemanticException [Error 10072]: Database does not exist: shop_analytics\n",
    );
    expect(started()).toHaveLength(1);
  });

  it.each([
    [
      ["ddl", "--apply", ...location],
      { SHOP_QUERY_ENGINE: undefined },
      "ddl --apply deploys to Athena: set SHOP_QUERY_ENGINE=athena",
    ],
    [["ddl", "--recreate", ...location], {}, "--recreate goes with ddl --apply"],
    [["sql", "SELECT 1", "--apply"], {}, "--apply and --recreate go with ddl"],
  ])("%j is a usage error (exit 2): %s", async (argv, env, message) => {
    const { athena } = setup();
    const result = await cli(argv, { env });
    expect(result.code).toBe(exitCodes.usage);
    expect(result.stderr).toContain(`shop-query: ${message}`);
    expect(athena.calls).toEqual([]);
  });

  it("without --apply, ddl still prints the statements and calls nothing", async () => {
    const { athena } = setup();
    const result = await cli(["ddl", ...location]);
    expect(result.stdout).toBe(statements.map((s) => s.sql).join("\n"));
    expect(athena.calls).toEqual([]);
  });
});

/**
 * The CLI as a child process against the scripted Athena, served over loopback HTTP (the child cannot see this
 * process's msw); the SDK is pointed at it with its own setting for a service endpoint, AWS_ENDPOINT_URL_ATHENA.
 * `onAnswered` runs after each answer, with the child at hand; `hold` keeps an operation unanswered (then
 * `onHeld` runs).
 */
async function spawnCli(
  athena: ReturnType<typeof fakeAthena>,
  argv: string[],
  options: {
    onAnswered: (child: ReturnType<typeof spawn>) => void;
    hold?: string;
    onHeld?: (child: ReturnType<typeof spawn>) => void;
  },
) {
  let child: ReturnType<typeof spawn> | undefined;
  const held: (() => void)[] = [];
  const http = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.headers["x-amz-target"] === `AmazonAthena.${options.hold}`) {
      if (child) options.onHeld?.(child);
      await new Promise<void>((resolve) => held.push(resolve));
      return res.destroy();
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const response = await getResponse(
      [athena.handler],
      new Request(ENDPOINT, { method: "POST", headers, body: Buffer.concat(chunks) }),
    );
    res.writeHead(response?.status ?? 500, Object.fromEntries(response?.headers ?? []));
    res.end(Buffer.from((await response?.arrayBuffer()) ?? new ArrayBuffer(0)));
    if (child) options.onAnswered(child);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  try {
    const port = (http.address() as AddressInfo).port;
    // node --import tsx rather than the tsx binary: tsx would stand between the signal and the CLI.
    child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...argv], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      env: {
        PATH: process.env.PATH ?? "",
        SHOP_QUERY_ENGINE: "athena",
        ATHENA_DATABASE: database,
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_ENDPOINT_URL_ATHENA: `http://127.0.0.1:${port}`,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child?.on("exit", (c, s) => resolve([c, s])),
    );
    return { code, signal, stdout, stderr };
  } finally {
    child?.kill("SIGKILL");
    for (const release of held) release();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  }
}

const polls = (athena: ReturnType<typeof fakeAthena>) =>
  athena.operations().filter((o) => o === "GetQueryExecution").length;

describe("Ctrl-C as a process (src/cli.ts)", () => {
  it("SIGINT stops the query on Athena and the process exits 130", async () => {
    const athena = fakeAthena();
    athena.script({ states: [{ state: "QUEUED" }, { state: "RUNNING", bytes: 5 * MB }] });
    let interrupted = false;

    const result = await spawnCli(athena, ["run", "top_products"], {
      onAnswered: (child) => {
        // Once: a second SIGINT would find no handler left (see the next test).
        if (!interrupted && polls(athena) === 2) {
          interrupted = true;
          child.kill("SIGINT");
        }
      },
    });

    // Exited by itself with 130, not killed by the signal: the handler ran.
    expect(result).toEqual({
      code: 130,
      signal: null,
      stdout: "",
      // stderr is a pipe here: no progress line, only what was done.
      stderr:
        "shop-query: stopping the query on Athena (Ctrl-C again quits without waiting)\n" +
        "shop-query: query query-1 cancelled (stopped on Athena)\n",
    });
    expect(athena.operations()).toEqual([
      "StartQueryExecution",
      "GetQueryExecution",
      "GetQueryExecution",
      "StopQueryExecution",
    ]);
    expect(athena.calls.at(-1)?.body).toEqual({ QueryExecutionId: "query-1" });
  }, 30_000);

  it("a second Ctrl-C ends the process at once when StopQueryExecution does not answer", async () => {
    const athena = fakeAthena();
    athena.script({ states: [{ state: "RUNNING" }] });
    let sent = 0;

    const result = await spawnCli(athena, ["run", "top_products"], {
      hold: "StopQueryExecution",
      onAnswered: (child) => {
        if (sent === 0 && polls(athena) === 1) {
          sent = 1;
          child.kill("SIGINT");
        }
      },
      // The first Ctrl-C was handled (its Stop is what is held); the second finds no handler left.
      onHeld: (child) => child.kill("SIGINT"),
    });

    expect(result.signal).toBe("SIGINT");
    expect(result.stderr).toBe("shop-query: stopping the query on Athena (Ctrl-C again quits without waiting)\n");
  }, 30_000);
});
