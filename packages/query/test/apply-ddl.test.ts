import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { applyDdl, type DdlProgress, planDdl } from "../src/ddl/apply.js";
import { renderAthenaDdl } from "../src/ddl/index.js";
import { createAthenaEngine } from "../src/engine/athena/athena-engine.js";
import { AthenaQueryError, DdlConflictError } from "../src/errors.js";
import { athenaType, eventsTable, tables } from "../src/tables.js";
import { athenaClient, fakeAthena, fakeClock } from "./support/fake-athena.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const database = "shop_analytics";
const statements = renderAthenaDdl({ database, root: "s3://shop-lake/prod" });

/** A table as Glue would list it after the contract's DDL ran, optionally with fewer or other columns. */
const glueTable = (table: (typeof tables)[number], columns = table.columns) => ({
  Name: table.name,
  TableType: "EXTERNAL_TABLE",
  Columns: columns.map((c) => ({ Name: c.name, Type: athenaType(c.type) })),
  PartitionKeys: table.partitions.map((c) => ({ Name: c.name, Type: athenaType(c.type) })),
});

function setup() {
  const athena = fakeAthena();
  server.use(athena.handler);
  const engine = createAthenaEngine({ client: athenaClient(), database, workGroup: "deploy", clock: fakeClock() });
  const sent = () => athena.calls.filter((c) => c.operation === "StartQueryExecution").map((c) => c.body.QueryString);
  return { athena, engine, sent };
}

describe("applyDdl on Athena (msw)", () => {
  it("creates every table and view of an empty database, one statement per query, in order", async () => {
    const { athena, engine, sent } = setup();
    const progress: DdlProgress[] = [];

    const steps = await applyDdl(engine, statements, (p) => progress.push(p));

    expect(athena.operations()[0]).toBe("ListTableMetadata");
    expect(athena.calls[0]?.body).toEqual({ CatalogName: "AwsDataCatalog", DatabaseName: database });
    expect(sent()).toEqual(statements.map((s) => s.sql));
    expect(steps.map((s) => s.action)).toEqual(statements.map((s) => (s.kind === "table" ? "create" : "replace_view")));
    expect(progress.map((p) => `${p.phase} ${p.index}/${p.count} ${p.step.name}`).slice(0, 3)).toEqual([
      `start 1/${statements.length} events`,
      `done 1/${statements.length} events`,
      `start 2/${statements.length} sessions`,
    ]);
    expect(progress.at(-1)?.stats?.[0]?.queryExecutionId).toBe(`query-${statements.length}`);
  });

  it("adds the columns the contract appended to a deployed table, and leaves unchanged tables alone", async () => {
    const { athena, engine, sent } = setup();
    const old = eventsTable.columns.slice(0, -2);
    athena.tables = tables.map((t) => (t.name === "events" ? glueTable(t, old) : glueTable(t)));

    const steps = await applyDdl(engine, statements);

    const [a, b] = eventsTable.columns.slice(-2);
    const comment = (doc = "") => doc.replaceAll("'", "''");
    expect(sent()).toEqual([
      `ALTER TABLE \`${database}\`.\`events\` ADD COLUMNS (\n` +
        `  \`${a?.name}\` ${athenaType(a?.type ?? "string")} COMMENT '${comment(a?.doc)}',\n` +
        `  \`${b?.name}\` ${athenaType(b?.type ?? "string")} COMMENT '${comment(b?.doc)}'\n)`,
      ...statements.filter((s) => s.kind === "view").map((s) => s.sql),
    ]);
    expect(steps.filter((s) => s.action === "unchanged").map((s) => s.name)).toEqual(
      tables.filter((t) => t.name !== "events").map((t) => t.name),
    );
  });

  it("refuses a table whose columns changed beyond appended ones before running anything", async () => {
    const { athena, engine, sent } = setup();
    const retyped = eventsTable.columns.map((c) => (c.name === "quantity" ? { ...c, type: "string" as const } : c));
    athena.tables = [glueTable(eventsTable, retyped)];

    const error = await applyDdl(engine, statements).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DdlConflictError);
    expect(error).toMatchObject({ code: "DDL_CONFLICT", table: "events" });
    expect((error as DdlConflictError).differences).toEqual([
      expect.stringMatching(/^column \d+ is `quantity string`, the contract says `quantity int`$/),
    ]);
    expect(sent()).toEqual([]);
  });

  it("with recreate, drops and re-creates that table (external: the data stays in S3)", async () => {
    const { athena, engine, sent } = setup();
    athena.tables = tables.map((t) => (t.name === "sessions" ? glueTable(t, [...t.columns].reverse()) : glueTable(t)));

    await applyDdl(engine, statements, undefined, { recreate: true });

    expect(sent().slice(0, 2)).toEqual([
      `DROP TABLE IF EXISTS \`${database}\`.\`sessions\``,
      statements.find((s) => s.name === "sessions")?.sql,
    ]);
  });

  it("stops at the first statement Athena fails, with its reason", async () => {
    const { athena, engine, sent } = setup();
    athena.script(
      { states: [{ state: "SUCCEEDED" }], statementType: "DDL" },
      {
        states: [{ state: "FAILED", reason: "FAILED: SemanticException [Error 10072]: Database does not exist" }],
        statementType: "DDL",
      },
    );
    const error = await applyDdl(engine, statements).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AthenaQueryError);
    expect((error as AthenaQueryError).reason).toBe("FAILED: SemanticException [Error 10072]: Database does not exist");
    expect(sent()).toHaveLength(2);
  });
});

describe("planDdl", () => {
  it("refuses statements rendered for another database", () => {
    expect(() => planDdl(statements, [], "other_db")).toThrow(/not for database other_db/);
  });

  it("sees a partition change as a conflict", () => {
    const deployed = { ...glueTable(eventsTable), PartitionKeys: [{ Name: "dt", Type: "string" }] };
    const asDeployed = {
      name: deployed.Name,
      type: deployed.TableType,
      columns: deployed.Columns.map((c) => ({ name: c.Name, type: c.Type })),
      partitions: deployed.PartitionKeys.map((c) => ({ name: c.Name, type: c.Type })),
    };
    expect(() => planDdl(statements, [asDeployed], database)).toThrow(
      /partitions are \(dt string\), the contract says \(dt string, hour int\)/,
    );
  });
});
