import { readFileSync } from "node:fs";
import { parseArgs, parseEnv } from "node:util";
import { bindQuestion, findQuestion, loadCatalogue, type Question } from "../catalogue/catalogue.js";
import { defaultLabel, type ParamValue, resolveParamValues, typeLabel } from "../catalogue/params.js";
import { type EngineConfig, normalizePrefix, resolveEngineConfig } from "../config.js";
import { applyDdl } from "../ddl/apply.js";
import { renderAthenaDdl } from "../ddl/index.js";
import { createTtyProgress, type ProgressRenderer } from "../engine/athena/progress.js";
import type { CreateEngineOptions } from "../engine/create-engine.js";
import type { QueryParam, Row } from "../engine/types.js";
import { ConfigError, DdlConflictError, isShopQueryError, ParamError, type QueryErrorCode } from "../errors.js";
import { summarize } from "../summary.js";
import { drawChart, pickChartColumns } from "./chart.js";
import { cliCostLine } from "./cost.js";
import { ddlStepLine, ddlSummaryLine } from "./ddl-report.js";
import { type CliEngine, openCliEngine } from "./engine.js";
import { formatRows, formatSummary, type OutputFormat, outputFormats, toJson } from "./format.js";

/** 130 for Ctrl-C is the shell's own code for a process ended by SIGINT (128 + 2), so scripts read it alike. */
export const exitCodes = { ok: 0, internal: 1, usage: 2, store: 3, sql: 4, interrupted: 130 } as const;

const exitCodeFor: Record<QueryErrorCode, number> = {
  CONFIG_INVALID: exitCodes.usage,
  DDL_INPUT_INVALID: exitCodes.usage,
  DDL_TEMPLATE_INVALID: exitCodes.internal,
  SQL_FRAGMENT_INVALID: exitCodes.internal,
  SQL_INVALID: exitCodes.sql,
  SQL_NOT_ALLOWED: exitCodes.sql,
  SQL_FAILED: exitCodes.sql,
  STORE_UNREACHABLE: exitCodes.store,
  STORE_BUCKET_NOT_FOUND: exitCodes.store,
  STORE_ACCESS_DENIED: exitCodes.store,
  STORE_REQUEST_FAILED: exitCodes.store,
  RESULT_SHAPE_INVALID: exitCodes.internal,
  ENGINE_CLOSED: exitCodes.internal,
  QUERY_CANCELLED: exitCodes.interrupted,
  QUERY_TIMEOUT: exitCodes.sql,
  ENGINE_REQUEST_FAILED: exitCodes.store,
  DDL_CONFLICT: exitCodes.sql,
  CATALOGUE_INVALID: exitCodes.internal,
  QUESTION_UNKNOWN: exitCodes.usage,
  PARAM_INVALID: exitCodes.usage,
};

export const usage = `Usage: shop-query <command> [options]

Commands:
  list                     the question catalogue: names, descriptions, parameters
  run NAME [--param k=v]…  run a question of the catalogue
  sql "<SELECT ...>"       run one SELECT (tables events, sessions, users, fraud_alerts, daily_metrics,
                           live_metrics; views unique_events, session_people, daily_funnel, …)
  summary                  events by type, sessions, orders and revenue
  ddl --database NAME      print the Athena DDL: tables with partition projection, then views
  ddl --apply              create or update every table and view on Athena (SHOP_QUERY_ENGINE=athena)

Options:
  --param NAME=VALUE       run: a parameter of the question (repeat for more; see list)
  --format table|csv|json  output format [default table]; --json is --format json
  --chart                  run, sql: draw a bar chart (or a line chart over dates) of one dimension
                           and one measure; --dimension COL and --measure COL pick them
  --bucket NAME            S3 bucket [env S3_BUCKET]
  --prefix PREFIX          key prefix above events/ and sessions/ [env SHOP_QUERY_PREFIX, default none]
  --cache-dir DIR          local Parquet cache [env SHOP_QUERY_CACHE_DIR, default <tmp>/shop-query-cache]
  --from YYYY-MM-DD        sync only dt partitions from this day on
  --to YYYY-MM-DD          sync only dt partitions up to this day
  --env-file FILE          read KEY=VALUE defaults (e.g. stack.env); the environment wins
  --database NAME          ddl: the Glue database [env ATHENA_DATABASE]
  --location s3://B/P      ddl: lake root holding events/ and sessions/ [default s3://<bucket>/<prefix>]
  --apply                  ddl: run the statements on Athena, each table created, extended or left alone
  --recreate               ddl --apply: drop and re-create a table that conflicts with the contract
  -h, --help               show this help

Engine: SHOP_QUERY_ENGINE=local (default: DuckDB over a synced copy of the lake) or athena.
Local: S3_ENDPOINT_URL (or S3_HOST + S3_PORT) for an S3-compatible server, AWS_REGION,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
Athena: ATHENA_DATABASE, AWS_REGION, ATHENA_WORKGROUP [primary], ATHENA_OUTPUT_LOCATION,
ATHENA_PRICE_PER_TB_USD [5], ATHENA_MIN_BILLED_MB [10], ATHENA_QUERY_TIMEOUT_SECONDS; credentials
from the AWS SDK's default chain. Progress on stderr when it is a terminal, then the cost line;
Ctrl-C stops the query on Athena (a second Ctrl-C quits without waiting).
Exit codes: 0 ok, 2 usage, configuration or parameter, 3 object store or Athena unreachable,
4 SQL (Athena's failure reason, a DDL conflict), 130 cancelled by Ctrl-C, 1 anything else.
`;

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal: the Athena progress line is drawn only there. @default false */
  readonly stderrIsTTY?: boolean;
  /**
   * Subscribes to the user's Ctrl-C for as long as an Athena query may run; returns the unsubscribe. The
   * handler is called at most once, so a second Ctrl-C keeps its default (quit at once). @default none
   */
  readonly onInterrupt?: (handler: () => void) => () => void;
  /** Seam for tests: the engine for a configuration. @default openCliEngine (createEngine) */
  readonly openEngine?: (config: EngineConfig, options: CreateEngineOptions) => Promise<CliEngine>;
  /** What `today` means in parameter defaults. @default the current time */
  readonly now?: () => Date;
}

class UsageError extends ConfigError {}

function parse(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        bucket: { type: "string" },
        prefix: { type: "string" },
        "cache-dir": { type: "string" },
        from: { type: "string" },
        to: { type: "string" },
        "env-file": { type: "string" },
        database: { type: "string" },
        location: { type: "string" },
        apply: { type: "boolean", default: false },
        recreate: { type: "boolean", default: false },
        param: { type: "string", multiple: true },
        format: { type: "string" },
        json: { type: "boolean", default: false },
        chart: { type: "boolean", default: false },
        dimension: { type: "string" },
        measure: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError([error instanceof Error ? error.message : String(error)]);
  }
}

type Values = ReturnType<typeof parse>["values"];

function loadEnv(io: CliIo, envFile: string | undefined): Readonly<Record<string, string | undefined>> {
  if (!envFile) return io.env;
  let text: string;
  try {
    text = readFileSync(envFile, "utf8");
  } catch (error) {
    throw new UsageError([`cannot read --env-file ${envFile}: ${(error as Error).message}`]);
  }
  return { ...parseEnv(text), ...io.env };
}

function outputFormat(values: Values): OutputFormat {
  if (values.format !== undefined && values.json && values.format !== "json") {
    throw new UsageError([`--json and --format ${values.format} disagree`]);
  }
  const format = values.format ?? (values.json ? "json" : "table");
  if (!(outputFormats as readonly string[]).includes(format)) {
    throw new UsageError([`--format ${JSON.stringify(format)}: use one of ${outputFormats.join(", ")}`]);
  }
  return format as OutputFormat;
}

/** `--param k=v` (repeatable) as a map; a repeated name or a missing `=` is a parameter error. */
function paramArgs(params: readonly string[] | undefined): Record<string, string> {
  const given: Record<string, string> = {};
  for (const arg of params ?? []) {
    const eq = arg.indexOf("=");
    if (eq <= 0) throw new ParamError(arg, `--param ${JSON.stringify(arg)}: expected NAME=VALUE`);
    const name = arg.slice(0, eq);
    if (name in given) throw new ParamError(name, `--param ${name} given twice`);
    given[name] = arg.slice(eq + 1);
  }
  return given;
}

function listQuestions(questions: readonly Question[], format: OutputFormat): string {
  const entries = questions.map((q) => ({
    name: q.name,
    description: q.description,
    params: q.params.map((p) => ({
      name: p.name,
      type: typeLabel(p.type),
      default: defaultLabel(p),
      description: p.description,
    })),
  }));
  if (format === "json") return `${toJson(entries)}\n`;
  if (format === "csv") {
    return formatRows(
      entries.map((e) => ({
        name: e.name,
        description: e.description,
        params: e.params.map((p) => `${p.name}: ${p.type} = ${p.default}`).join("; "),
      })),
      "csv",
    );
  }
  return entries
    .map((e) => {
      const params = e.params.map((p) => `    --param ${p.name}=<${p.type}>  ${p.description} [default ${p.default}]`);
      return [`${e.name}`, `    ${e.description}`, ...params].join("\n");
    })
    .join("\n\n")
    .concat("\n");
}

function render(rows: readonly Row[], format: OutputFormat, values: Values): string {
  if (!values.chart) return formatRows(rows, format);
  const pick = pickChartColumns(rows, {
    ...(values.dimension !== undefined ? { dimension: values.dimension } : {}),
    ...(values.measure !== undefined ? { measure: values.measure } : {}),
  });
  if (!pick.ok) throw new UsageError([`--chart: ${pick.problem}`]);
  return drawChart(rows, pick.columns);
}

const LOCAL_ONLY = ["bucket", "prefix", "cache-dir", "from", "to"] as const;

function configFrom(env: Readonly<Record<string, string | undefined>>, values: Values): EngineConfig {
  const config = resolveEngineConfig(env, {
    ...(values.bucket !== undefined ? { bucket: values.bucket } : {}),
    ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
    ...(values["cache-dir"] !== undefined ? { cacheDir: values["cache-dir"] } : {}),
    ...(values.from !== undefined ? { from: values.from } : {}),
    ...(values.to !== undefined ? { to: values.to } : {}),
  });
  // Ignoring them would be worse than refusing: `--from` would look like it bounds what Athena scans (and bills).
  const given = LOCAL_ONLY.filter((name) => values[name] !== undefined).map((name) => `--${name}`);
  if (config.kind === "athena" && given.length > 0) {
    throw new UsageError([
      `${given.join(", ")}: for the local engine's sync only; Athena reads the lake in place (bound a question's days with --param from=… --param to=…)`,
    ]);
  }
  return config;
}

/**
 * Opens the engine, runs the command, prints Athena's cost line after the results, and closes. On Athena a
 * progress line (terminal only) shows each query's state, and Ctrl-C aborts the engine's signal, which stops
 * the running query with StopQueryExecution. The progress line is cleared before anything else is printed.
 */
async function withEngine<T>(
  io: CliIo,
  config: EngineConfig,
  task: (engine: CliEngine, progress: ProgressRenderer) => Promise<T>,
): Promise<T> {
  const progress = createTtyProgress({ isTTY: io.stderrIsTTY === true, write: io.stderr });
  const controller = new AbortController();
  // Only Athena's queries can be stopped; with the local engine Ctrl-C keeps its default and quits at once.
  const unsubscribe =
    config.kind === "athena"
      ? io.onInterrupt?.(() => {
          progress.done();
          io.stderr("shop-query: stopping the query on Athena (Ctrl-C again quits without waiting)\n");
          controller.abort();
        })
      : undefined;
  try {
    const engine = await (io.openEngine ?? openCliEngine)(config, {
      signal: controller.signal,
      onProgress: progress.onProgress,
    });
    try {
      if (engine.notice) io.stderr(`${engine.notice}\n`);
      const result = await task(
        {
          ...engine,
          async query<R extends Row = Row>(sql: string, params?: readonly QueryParam[]) {
            try {
              return await engine.query<R>(sql, params);
            } finally {
              progress.done();
            }
          },
        },
        progress,
      );
      const cost = engine.athena && cliCostLine(engine.athena.stats, engine.athena.pricing);
      if (cost) io.stderr(`${cost}\n`);
      return result;
    } finally {
      await engine.close();
    }
  } finally {
    progress.done();
    unsubscribe?.();
  }
}

const COMMANDS = ["list", "run", "sql", "summary", "ddl"] as const;

/** `ddl --apply`: the plan's steps printed as each is done; a conflict is refused before anything runs. */
async function applyOnAthena(
  io: CliIo,
  env: Readonly<Record<string, string | undefined>>,
  values: Values,
  database: string,
  statements: ReturnType<typeof renderAthenaDdl>,
  format: OutputFormat,
): Promise<void> {
  if ((env.SHOP_QUERY_ENGINE?.trim() || "local") !== "athena") {
    throw new UsageError([
      "ddl --apply deploys to Athena: set SHOP_QUERY_ENGINE=athena with AWS_REGION (and ATHENA_DATABASE or --database); the local engine needs no DDL",
    ]);
  }
  const config = resolveEngineConfig({ ...env, ATHENA_DATABASE: database });
  await withEngine(io, config, async (engine, progress) => {
    if (!engine.athena) throw new Error("SHOP_QUERY_ENGINE=athena opened an engine without Athena's extras");
    const steps = await applyDdl(
      engine.athena.ddl,
      statements,
      (p) => {
        if (p.phase !== "done") return;
        progress.done();
        if (format !== "json") io.stdout(`${ddlStepLine(p)}\n`);
      },
      { recreate: values.recreate },
    );
    io.stdout(
      format === "json"
        ? `${toJson(steps.map((s) => ({ name: s.name, action: s.action, ...(s.added ? { added: s.added } : {}), sql: s.sql })))}\n`
        : `${ddlSummaryLine(steps, database)}\n`,
    );
  });
}

async function run(argv: readonly string[], io: CliIo): Promise<void> {
  const { values, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (values.help || command === "help") {
    io.stdout(usage);
    return;
  }
  if (command === undefined) throw new UsageError(["no command given"]);
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError([`unknown command ${JSON.stringify(command)} (commands: ${COMMANDS.join(", ")})`]);
  }
  const format = outputFormat(values);
  if (values.chart && command !== "run" && command !== "sql") throw new UsageError(["--chart goes with run or sql"]);
  if (values.param !== undefined && command !== "run") throw new UsageError(["--param goes with run"]);
  if ((values.apply || values.recreate) && command !== "ddl")
    throw new UsageError(["--apply and --recreate go with ddl"]);

  if (command === "list") {
    if (rest.length > 0) throw new UsageError([`list takes no arguments, got ${rest.join(" ")}`]);
    io.stdout(listQuestions(loadCatalogue(), format));
    return;
  }

  const env = loadEnv(io, values["env-file"]);

  if (command === "ddl") {
    if (rest.length > 0) throw new UsageError([`ddl takes no arguments, got ${rest.join(" ")}`]);
    if (values.recreate && !values.apply) throw new UsageError(["--recreate goes with ddl --apply"]);
    const database = values.database ?? (env.ATHENA_DATABASE?.trim() || undefined);
    if (!database) throw new UsageError(["ddl needs --database NAME (or ATHENA_DATABASE)"]);
    const bucket = values.bucket ?? env.S3_BUCKET;
    const root =
      values.location ??
      (bucket ? `s3://${bucket}/${normalizePrefix(values.prefix ?? env.SHOP_QUERY_PREFIX ?? "")}` : undefined);
    if (!root) throw new UsageError(["ddl needs --location s3://bucket/prefix (or --bucket / S3_BUCKET)"]);
    const statements = renderAthenaDdl({ database, root });
    if (!values.apply) {
      io.stdout(format === "json" ? `${toJson(statements)}\n` : statements.map((s) => s.sql).join("\n"));
      return;
    }
    await applyOnAthena(io, env, values, database, statements, format);
    return;
  }

  if (command === "run") {
    if (rest.length !== 1)
      throw new UsageError([`run takes one question name (see shop-query list), got ${rest.length}`]);
    // Everything about the question and its parameters is checked before the engine syncs anything.
    const question = findQuestion(rest[0] ?? "");
    const paramValues: Record<string, ParamValue> = resolveParamValues(
      question.name,
      question.params,
      paramArgs(values.param),
      io.now?.() ?? new Date(),
    );
    await withEngine(io, configFrom(env, values), async (engine) => {
      const bound = bindQuestion(question, paramValues, engine.sqlDialect ?? "athena");
      const rows = await engine.query(bound.sql, bound.params as QueryParam[]);
      io.stdout(render(rows, format, values));
    });
    return;
  }

  if (command === "sql" && rest.length !== 1) {
    throw new UsageError([`sql takes exactly one argument, the query in quotes (got ${rest.length})`]);
  }
  if (command === "summary" && rest.length > 0) throw new UsageError(["summary takes no arguments"]);
  if (command === "summary" && format === "csv") throw new UsageError(["summary prints a table or JSON, not CSV"]);

  await withEngine(io, configFrom(env, values), async (engine) => {
    if (command === "summary") {
      const summary = await summarize(engine);
      io.stdout(format === "json" ? `${toJson(summary)}\n` : formatSummary(summary));
    } else {
      const rows = await engine.query(rest[0] ?? "");
      io.stdout(render(rows, format, values));
    }
  });
}

/** Runs the CLI and returns its exit code; errors are printed as one clear message, never a stack. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await run(argv, io);
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`shop-query: ${error.problems.join("; ")}\nRun shop-query --help for usage.\n`);
      return exitCodes.usage;
    }
    if (error instanceof ParamError) {
      io.stderr(`shop-query: ${error.message}\nRun shop-query list for each question's parameters.\n`);
      return exitCodes.usage;
    }
    if (error instanceof DdlConflictError) {
      io.stderr(
        `shop-query: table ${error.table} differs from the contract beyond appended columns: ${error.differences.join("; ")}. ` +
          "Nothing was run. ddl --apply --recreate drops and re-creates it (an external table: the data stays in S3).\n",
      );
      return exitCodes.sql;
    }
    if (isShopQueryError(error)) {
      io.stderr(`shop-query: ${error.message}\n`);
      return exitCodeFor[error.code];
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`shop-query: unexpected error: ${message}\n`);
    if (io.env.SHOP_QUERY_DEBUG && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return exitCodes.internal;
  }
}
