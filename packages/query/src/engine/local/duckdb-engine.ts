import { mkdirSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue, StatementType } from "@duckdb/node-api";
import { viewQuery } from "../../ddl/athena.js";
import { ShopQueryError, SqlError } from "../../errors.js";
import { localViewSources } from "../../sql-files.js";
import { tables as contractTables, type TableDefinition, tableFormat } from "../../tables.js";
import type { QueryEngine, QueryParam, Row } from "../types.js";
import { plainRows } from "./convert.js";
import { describeFilesSql, quoteIdent, quoteString, tableViewSql } from "./table-sql.js";

export interface DuckDbEngineOptions {
  /** The only directory the engine may read; table files must be inside it. DuckDB's scratch goes here too. */
  readonly dataDir: string;
  /**
   * The tables to serve. @default every lake table of the contract. A test may add one the contract does
   * not declare yet (its view is created the same way).
   */
  readonly tables?: readonly TableDefinition<string>[];
}

/** Each table's data files (Parquet, or JSON Lines); a table left out has none (its view is empty, with its columns). */
export type TableFiles = Readonly<Partial<Record<string, readonly string[]>>>;

export interface DuckDbEngine extends QueryEngine {
  /** Points the tables at these data files (absolute paths inside dataDir), atomically. */
  bindTables(files: TableFiles): Promise<void>;
}

// Analyst queries read; they never install extensions, write files, attach databases or change settings.
const allowedStatements = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

const stripComments = (sql: string) => sql.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");
const engineMessage = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replace(/^Failed to extract statements: /, "");

/**
 * An in-process DuckDB that exposes the lake's tables and the views of sql/views over local Parquet and
 * JSON Lines files. It is sealed at open: extensions are neither auto-installed nor auto-loaded (this
 * machine, like CI, cannot download them, and parquet and json are built in), the only readable directory is dataDir, and the
 * configuration is locked so a query cannot undo any of that.
 */
export async function openDuckDbEngine(options: DuckDbEngineOptions): Promise<DuckDbEngine> {
  const dataDir = resolve(options.dataDir);
  const tables = options.tables ?? contractTables;
  const scratch = join(dataDir, ".duckdb");
  mkdirSync(join(scratch, "tmp"), { recursive: true });
  // A missing local directory as the extension repository: even an INSTALL that got past the statement
  // check would look on disk instead of going to the network.
  const noRepository = join(scratch, "no-extension-repository");
  const instance = await DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    custom_extension_repository: noRepository,
    autoinstall_extension_repository: noRepository,
    extension_directory: join(scratch, "extensions"),
    temp_directory: join(scratch, "tmp"),
  });
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    await connection.run("SET GLOBAL TimeZone = 'UTC'");
    await connection.run(`SET allowed_directories = [${quoteString(`${dataDir}${sep}`)}]`);
    await connection.run("SET enable_external_access = false");
    await connection.run("SET lock_configuration = true");
    await createViews(connection, tableViewStatements(tables, emptyFiles(), new Map()));
  } catch (error) {
    connection?.closeSync();
    instance.closeSync();
    throw error;
  }
  return new SealedDuckDbEngine(instance, connection, dataDir, tables);
}

const emptyFiles = (): TableFiles => ({});

function tableViewStatements(
  tables: readonly TableDefinition<string>[],
  files: TableFiles,
  present: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  return tables.map((table) => tableViewSql(table, files[table.name] ?? [], present.get(table.name) ?? new Set()));
}

async function createViews(connection: DuckDBConnection, tableStatements: readonly string[]): Promise<void> {
  const views = localViewSources().map((v) => `CREATE OR REPLACE VIEW ${quoteIdent(v.name)} AS\n${viewQuery(v)}`);
  await connection.run("BEGIN TRANSACTION");
  try {
    for (const statement of [...tableStatements, ...views]) await connection.run(statement);
    await connection.run("COMMIT");
  } catch (error) {
    await connection.run("ROLLBACK");
    throw error;
  }
}

class SealedDuckDbEngine implements DuckDbEngine {
  #closed = false;
  // One statement at a time: rebinding must not interleave with a query reading the old files.
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly dataDir: string,
    private readonly tables: readonly TableDefinition<string>[],
  ) {}

  /** Local SQL is DuckDB's: the catalogue binds a question's generated DuckDB form here. */
  readonly sqlDialect = "duckdb";

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => {
      if (this.#closed) throw new ShopQueryError("ENGINE_CLOSED", "the engine is closed");
      return task();
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async bindTables(files: TableFiles): Promise<void> {
    for (const path of Object.values(files).flat() as string[]) {
      if (!resolve(path).startsWith(`${this.dataDir}${sep}`)) {
        throw new ShopQueryError("CONFIG_INVALID", `${path} is outside the engine's data directory ${this.dataDir}`);
      }
    }
    return this.#serial(async () => {
      const present = new Map<string, ReadonlySet<string>>();
      for (const table of this.tables) {
        const tableFiles = files[table.name] ?? [];
        // JSON Lines views look keys up per line; only Parquet needs the files' schemas up front.
        if (tableFiles.length === 0 || tableFormat(table) !== "parquet") continue;
        const reader = await this.connection.runAndReadAll(describeFilesSql(tableFiles));
        present.set(table.name, new Set(reader.getRowObjectsJS().map((r) => String(r.column_name))));
      }
      await createViews(this.connection, tableViewStatements(this.tables, files, present));
    });
  }

  query<T extends Row = Row>(sql: string, params: readonly QueryParam[] = []): Promise<T[]> {
    return this.#serial(async () => {
      if (stripComments(sql).trim() === "") throw new SqlError("SQL_INVALID", "no SQL statement given");
      let statements: Awaited<ReturnType<DuckDBConnection["extractStatements"]>>;
      try {
        statements = await this.connection.extractStatements(sql);
      } catch (error) {
        throw new SqlError("SQL_INVALID", engineMessage(error), { cause: error });
      }
      if (statements.count !== 1) {
        throw new SqlError("SQL_INVALID", `expected exactly one statement, got ${statements.count}`);
      }
      let prepared: Awaited<ReturnType<typeof statements.prepare>>;
      try {
        prepared = await statements.prepare(0);
      } catch (error) {
        throw new SqlError("SQL_INVALID", engineMessage(error), { cause: error });
      }
      try {
        if (!allowedStatements.has(prepared.statementType)) {
          throw new SqlError(
            "SQL_NOT_ALLOWED",
            `only SELECT (incl. WITH, DESCRIBE, SHOW) and EXPLAIN run here, not ${StatementType[prepared.statementType]}`,
          );
        }
        if (prepared.parameterCount !== params.length) {
          throw new SqlError(
            "SQL_INVALID",
            `the statement has ${prepared.parameterCount} parameter(s), ${params.length} given`,
          );
        }
        prepared.bind(params as DuckDBValue[]);
        let reader: Awaited<ReturnType<typeof prepared.runAndReadAll>>;
        try {
          reader = await prepared.runAndReadAll();
        } catch (error) {
          throw new SqlError("SQL_FAILED", engineMessage(error), { cause: error });
        }
        const typeIds = Array.from({ length: reader.columnCount }, (_, i) => reader.columnTypeId(i));
        return plainRows(reader.deduplicatedColumnNames(), typeIds, reader.getRowsJS()) as T[];
      } finally {
        prepared.destroySync();
      }
    });
  }

  async close(): Promise<void> {
    await this.#tail;
    if (this.#closed) return;
    this.#closed = true;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
