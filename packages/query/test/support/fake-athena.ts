import { AthenaClient } from "@aws-sdk/client-athena";
import { HttpResponse, http } from "msw";
import type { Clock } from "../../src/engine/athena/polling.js";

/**
 * A scripted Athena control plane for msw: Athena's API is JSON over HTTPS POST to one URL, the operation
 * named by the `X-Amz-Target: AmazonAthena.<Operation>` header. Every request is recorded, so tests
 * assert what the engine sent, not only what it returned.
 */
export const REGION = "eu-west-1";
export const ENDPOINT = `https://athena.${REGION}.amazonaws.com/`;

export interface RecordedCall {
  readonly operation: string;
  readonly body: Record<string, unknown>;
  readonly contentType: string | null;
}

export interface ScriptedExecution {
  /** Returned by successive GetQueryExecution calls; the last one repeats. */
  readonly states: readonly { state: string; bytes?: number; reason?: string; errorType?: number }[];
  readonly statementType?: "DML" | "DDL" | "UTILITY";
  readonly columns?: readonly { name: string; type: string }[];
  /** GetQueryResults pages in order; `undefined` is a NULL datum. A DML's first page starts with the header row. */
  readonly pages?: readonly (readonly (readonly (string | undefined)[])[])[];
}

export interface FakeAthena {
  readonly handler: ReturnType<typeof http.post>;
  readonly calls: RecordedCall[];
  readonly operations: () => string[];
  /** The next StartQueryExecution runs this script (then the default: an instant empty DDL). */
  readonly script: (...executions: ScriptedExecution[]) => void;
  tables: {
    Name: string;
    TableType?: string;
    Columns: { Name: string; Type: string }[];
    PartitionKeys: { Name: string; Type: string }[];
  }[];
}

const amzJson = (body: unknown, status = 200) =>
  new HttpResponse(JSON.stringify(body), { status, headers: { "content-type": "application/x-amz-json-1.1" } });

export const athenaError = (type: string, message: string, status = 400) =>
  amzJson({ __type: type, Message: message }, status);

export function fakeAthena(): FakeAthena {
  const calls: RecordedCall[] = [];
  const queue: ScriptedExecution[] = [];
  const running = new Map<string, { script: ScriptedExecution; polls: number }>();
  let next = 0;
  const fake: FakeAthena = {
    calls,
    operations: () => calls.map((c) => c.operation),
    script: (...executions) => {
      queue.push(...executions);
    },
    tables: [],
    handler: http.post(ENDPOINT, async ({ request }) => {
      const operation = (request.headers.get("x-amz-target") ?? "").replace(/^AmazonAthena\./, "");
      const body = (await request.json()) as Record<string, unknown>;
      calls.push({ operation, body, contentType: request.headers.get("content-type") });
      const execution = running.get(String(body.QueryExecutionId));
      switch (operation) {
        case "StartQueryExecution": {
          next += 1;
          const id = `query-${next}`;
          running.set(id, {
            script: queue.shift() ?? { states: [{ state: "SUCCEEDED" }], statementType: "DDL", pages: [[]] },
            polls: 0,
          });
          return amzJson({ QueryExecutionId: id });
        }
        case "GetQueryExecution": {
          if (!execution) return athenaError("InvalidRequestException", "QueryExecution not found");
          const { states } = execution.script;
          const step = states[Math.min(execution.polls, states.length - 1)] ?? { state: "RUNNING" };
          execution.polls += 1;
          return amzJson({
            QueryExecution: {
              QueryExecutionId: body.QueryExecutionId,
              StatementType: execution.script.statementType ?? "DML",
              Status: {
                State: step.state,
                ...(step.reason ? { StateChangeReason: step.reason } : {}),
                ...(step.errorType ? { AthenaError: { ErrorCategory: 2, ErrorType: step.errorType } } : {}),
              },
              Statistics: { DataScannedInBytes: step.bytes ?? 0, EngineExecutionTimeInMillis: 1234 },
            },
          });
        }
        case "GetQueryResults": {
          if (!execution) return athenaError("InvalidRequestException", "QueryExecution not found");
          const pages = execution.script.pages ?? [[]];
          const index = body.NextToken === undefined ? 0 : Number(String(body.NextToken).replace("page-", ""));
          const rows = pages[index] ?? [];
          return amzJson({
            ResultSet: {
              Rows: rows.map((row) => ({ Data: row.map((v) => (v === undefined ? {} : { VarCharValue: v })) })),
              ResultSetMetadata: {
                ColumnInfo: (execution.script.columns ?? []).map((c) => ({
                  Name: c.name,
                  Label: c.name,
                  Type: c.type,
                })),
              },
            },
            ...(index + 1 < pages.length ? { NextToken: `page-${index + 1}` } : {}),
          });
        }
        case "StopQueryExecution":
          return amzJson({});
        case "ListTableMetadata":
          return amzJson({ TableMetadataList: fake.tables });
        default:
          return athenaError("UnknownOperationException", `no fake for ${operation}`);
      }
    }),
  };
  return fake;
}

export const athenaClient = () =>
  new AthenaClient({ region: REGION, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });

/** A clock whose sleeps return at once and move time forward: backoff is asserted, never waited for. */
export function fakeClock(): Clock & { readonly sleeps: number[]; time: number } {
  const clock = {
    time: 0,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) return;
      clock.sleeps.push(ms);
      clock.time += ms;
    },
  };
  return clock;
}
