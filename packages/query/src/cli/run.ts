import { readFileSync } from "node:fs";
import { parseArgs, parseEnv } from "node:util";
import { S3Client } from "@aws-sdk/client-s3";
import { normalizePrefix, type QueryConfig, resolveQueryConfig, s3ClientConfig } from "../config.js";
import { renderAthenaDdl } from "../ddl/index.js";
import { createLocalEngine, type LocalEngine } from "../engine/local/local-engine.js";
import { ConfigError, isShopQueryError, type QueryErrorCode } from "../errors.js";
import { summarize } from "../summary.js";
import { formatSummary, formatTable, toJson } from "./format.js";

export const exitCodes = { ok: 0, internal: 1, usage: 2, store: 3, sql: 4 } as const;

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
  QUERY_CANCELLED: exitCodes.sql,
  QUERY_TIMEOUT: exitCodes.sql,
  ENGINE_REQUEST_FAILED: exitCodes.store,
  DDL_CONFLICT: exitCodes.sql,
};

export const usage = `Usage: shop-query <command> [options]

Commands:
  summary                  events by type, sessions, orders and revenue (local engine)
  sql "<SELECT ...>"       run one SELECT on the local engine (tables events, sessions; views
                           daily_funnel, daily_revenue, events_by_type)
  ddl --database NAME      print the Athena DDL: tables with partition projection, then views

Options:
  --bucket NAME            S3 bucket [env S3_BUCKET]
  --prefix PREFIX          key prefix above events/ and sessions/ [env SHOP_QUERY_PREFIX, default none]
  --cache-dir DIR          local Parquet cache [env SHOP_QUERY_CACHE_DIR, default <tmp>/shop-query-cache]
  --from YYYY-MM-DD        sync only dt partitions from this day on
  --to YYYY-MM-DD          sync only dt partitions up to this day
  --env-file FILE          read KEY=VALUE defaults (e.g. stack.env); the environment wins
  --location s3://B/P      ddl: lake root holding events/ and sessions/ [default s3://<bucket>/<prefix>]
  --json                   print JSON instead of tables
  -h, --help               show this help

S3 access: S3_ENDPOINT_URL (or S3_HOST + S3_PORT) for an S3-compatible server, AWS_REGION,
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
Exit codes: 0 ok, 2 usage or configuration, 3 object store, 4 SQL, 1 anything else.
`;

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Seam for tests of argument handling; the default syncs from S3 as configured. */
  readonly openEngine?: (config: QueryConfig) => Promise<LocalEngine & { dispose?: () => void }>;
}

class UsageError extends ConfigError {}

async function openS3Engine(config: QueryConfig): Promise<LocalEngine & { dispose: () => void }> {
  const s3 = new S3Client(s3ClientConfig(config.s3));
  try {
    const engine = await createLocalEngine({
      s3,
      bucket: config.bucket,
      prefix: config.prefix,
      cacheDir: config.cacheDir,
      dates: config.dates,
    });
    return Object.assign(engine, { dispose: () => s3.destroy() });
  } catch (error) {
    s3.destroy();
    throw error;
  }
}

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
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError([error instanceof Error ? error.message : String(error)]);
  }
}

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

async function run(argv: readonly string[], io: CliIo): Promise<void> {
  const { values, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (values.help || command === "help") {
    io.stdout(usage);
    return;
  }
  if (command === undefined) throw new UsageError(["no command given"]);
  const env = loadEnv(io, values["env-file"]);

  if (command === "ddl") {
    if (rest.length > 0) throw new UsageError([`ddl takes no arguments, got ${rest.join(" ")}`]);
    if (!values.database) throw new UsageError(["ddl needs --database NAME"]);
    const bucket = values.bucket ?? env.S3_BUCKET;
    const root =
      values.location ??
      (bucket ? `s3://${bucket}/${normalizePrefix(values.prefix ?? env.SHOP_QUERY_PREFIX ?? "")}` : undefined);
    if (!root) throw new UsageError(["ddl needs --location s3://bucket/prefix (or --bucket / S3_BUCKET)"]);
    const statements = renderAthenaDdl({ database: values.database, root });
    io.stdout(values.json ? `${toJson(statements)}\n` : statements.map((s) => s.sql).join("\n"));
    return;
  }

  if (command !== "summary" && command !== "sql") throw new UsageError([`unknown command ${JSON.stringify(command)}`]);
  if (command === "sql" && rest.length !== 1) {
    throw new UsageError([`sql takes exactly one argument, the query in quotes (got ${rest.length})`]);
  }
  if (command === "summary" && rest.length > 0) throw new UsageError([`summary takes no arguments`]);

  const config = resolveQueryConfig(env, {
    ...(values.bucket !== undefined ? { bucket: values.bucket } : {}),
    ...(values.prefix !== undefined ? { prefix: values.prefix } : {}),
    ...(values["cache-dir"] !== undefined ? { cacheDir: values["cache-dir"] } : {}),
    ...(values.from !== undefined ? { from: values.from } : {}),
    ...(values.to !== undefined ? { to: values.to } : {}),
  });
  const engine = await (io.openEngine ?? openS3Engine)(config);
  try {
    const synced = engine.lastRefresh.tables
      .map(
        (t) =>
          `${t.table} ${t.objects} file(s) (${t.downloaded} downloaded, ${t.unchanged} cached, ${t.removed} removed)`,
      )
      .join(", ");
    io.stderr(`synced s3://${config.bucket}/${config.prefix}: ${synced} in ${engine.lastRefresh.durationMs} ms\n`);
    if (command === "summary") {
      const summary = await summarize(engine);
      io.stdout(values.json ? `${toJson(summary)}\n` : formatSummary(summary));
    } else {
      const rows = await engine.query(rest[0] ?? "");
      io.stdout(values.json ? `${toJson(rows)}\n` : formatTable(rows));
    }
  } finally {
    await engine.close();
    engine.dispose?.();
  }
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
