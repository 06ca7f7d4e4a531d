import type { AthenaEngine, DeployedTable } from "../engine/athena/athena-engine.js";
import type { QueryStats } from "../engine/athena/cost.js";
import { DdlConflictError, DdlInputError } from "../errors.js";
import { athenaType, type TableDefinition, tables } from "../tables.js";
import type { AthenaStatement } from "./index.js";

/** What applyDdl needs from an engine: the catalog's tables and a way to run one DDL statement. */
export type DdlEngine = Pick<AthenaEngine, "database" | "execute" | "listTables">;

/**
 * What happens to one statement: a missing table is created; a table the contract only appended columns
 * to gets `ALTER TABLE … ADD COLUMNS` (the contract's rule: new columns go at the end, nullable, nothing
 * renamed, retyped or removed); an unchanged table is left alone; anything else is a conflict, or with
 * `recreate` a DROP and CREATE (an external table's DROP leaves the data in S3); a view is always
 * `CREATE OR REPLACE`d, as its query may have changed with the same columns.
 */
export type DdlAction = "create" | "add_columns" | "unchanged" | "recreate" | "replace_view";

export interface DdlStep {
  readonly name: string;
  readonly action: DdlAction;
  /** The statements to run, in order (none when unchanged). */
  readonly sql: readonly string[];
  /** add_columns only: the names of the columns appended, for a report. */
  readonly added?: readonly string[];
}

export interface DdlProgress {
  readonly step: DdlStep;
  /** 1-based position and count of the steps, for a `[3/11]` prefix. */
  readonly index: number;
  readonly count: number;
  readonly phase: "start" | "done";
  /** Present when phase is done and statements ran. */
  readonly stats?: readonly QueryStats[];
}

export interface ApplyDdlOptions {
  /** Drop and re-create a table whose columns changed beyond appended ones. @default false */
  readonly recreate?: boolean;
  readonly signal?: AbortSignal;
}

const quote = (text: string) => text.replaceAll("'", "''");
const spelled = (columns: readonly { name: string; type: string }[]) =>
  columns.map((c) => `${c.name.toLowerCase()} ${c.type.toLowerCase()}`);

function tableStep(
  statement: AthenaStatement,
  definition: TableDefinition,
  deployed: DeployedTable | undefined,
  database: string,
  recreate: boolean,
): DdlStep {
  const { name } = statement;
  if (!deployed) return { name, action: "create", sql: [statement.sql] };
  const declared = definition.columns.map((c) => ({ name: c.name, type: athenaType(c.type) }));
  const declaredPartitions = definition.partitions.map((c) => ({ name: c.name, type: athenaType(c.type) }));
  const want = spelled(declared);
  const have = spelled(deployed.columns);
  const differences: string[] = [];
  have.forEach((column, i) => {
    if (want[i] !== column)
      differences.push(`column ${i + 1} is \`${column}\`, the contract says \`${want[i] ?? "none"}\``);
  });
  if (spelled(declaredPartitions).join(",") !== spelled(deployed.partitions).join(",")) {
    differences.push(
      `partitions are (${spelled(deployed.partitions).join(", ")}), the contract says (${spelled(declaredPartitions).join(", ")})`,
    );
  }
  if (differences.length > 0) {
    if (!recreate) throw new DdlConflictError(name, differences);
    return { name, action: "recreate", sql: [`DROP TABLE IF EXISTS \`${database}\`.\`${name}\``, statement.sql] };
  }
  const added = definition.columns.slice(have.length);
  if (added.length === 0) return { name, action: "unchanged", sql: [] };
  const columns = added.map((c) => `  \`${c.name}\` ${athenaType(c.type)} COMMENT '${quote(c.doc ?? "")}'`);
  return {
    name,
    action: "add_columns",
    added: added.map((c) => c.name),
    sql: [`ALTER TABLE \`${database}\`.\`${name}\` ADD COLUMNS (\n${columns.join(",\n")}\n)`],
  };
}

/**
 * The steps that bring the catalog to the statements, decided before anything runs: a conflict found in
 * the last table must not leave the first ones half-deployed. Pure, so it is tested without Athena.
 */
export function planDdl(
  statements: readonly AthenaStatement[],
  deployed: readonly DeployedTable[],
  database: string,
  options: Pick<ApplyDdlOptions, "recreate"> = {},
): DdlStep[] {
  const byName = new Map(deployed.map((t) => [t.name.toLowerCase(), t]));
  return statements.map((statement) => {
    if (!statement.sql.includes(`\`${database}\`.`) && !statement.sql.includes(`"${database}".`)) {
      throw new DdlInputError(`statement ${statement.name} is not for database ${database}`);
    }
    if (statement.kind === "view") return { name: statement.name, action: "replace_view", sql: [statement.sql] };
    const definition = tables.find((t) => t.name === statement.name);
    if (!definition) throw new DdlInputError(`${statement.name} is not a table of the contract`);
    return tableStep(statement, definition, byName.get(statement.name), database, options.recreate ?? false);
  });
}

/**
 * Runs renderAthenaDdl()'s statements on Athena, one statement per query (Athena takes no more), with the
 * engine's database as context. Reads the catalog once (ListTableMetadata, no query), plans every step,
 * then runs them in order; progress is reported before and after each step. The database must exist.
 */
export async function applyDdl(
  engine: DdlEngine,
  statements: readonly AthenaStatement[],
  onProgress?: (progress: DdlProgress) => void,
  options: ApplyDdlOptions = {},
): Promise<DdlStep[]> {
  const steps = planDdl(statements, await engine.listTables(), engine.database, options);
  for (const [i, step] of steps.entries()) {
    const position = { step, index: i + 1, count: steps.length };
    onProgress?.({ ...position, phase: "start" });
    const stats: QueryStats[] = [];
    for (const sql of step.sql) {
      const result = await engine.execute(sql, [], options.signal ? { signal: options.signal } : {});
      stats.push(result.stats);
    }
    onProgress?.({ ...position, phase: "done", stats });
  }
  return steps;
}
