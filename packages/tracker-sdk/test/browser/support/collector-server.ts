/// <reference types="node" />
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createEventValidator, type EventRejection } from "@shop/event-schema/validate";

/**
 * A recording stand-in for packages/collector on loopback: same route (POST /v1/batch), same content
 * types (application/json and text/plain, the latter for sendBeacon), same limits (500 KB batch, 32 KB
 * event), the same event validator from @shop/event-schema, and the same answers (200 {success,
 * accepted, rejected}; 400/413/415 {success:false,error}; 503 + Retry-After). It differs on purpose in
 * two ways: it answers CORS (a shop page posts cross-origin; the real collector must do the same once
 * deployed on its own host) and it records every request, so tests can see what a browser delivered,
 * when, and how.
 */

const BATCH_LIMIT_BYTES = 500 * 1024;
const EVENT_LIMIT_BYTES = 32 * 1024;

/** An event as it reached the collector, with the request that carried it. */
export interface Arrival {
  readonly event: Record<string, unknown>;
  readonly request: RecordedRequest;
}

export interface RecordedRequest {
  /** Milliseconds since the server started. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  /** `no-cors` for sendBeacon with a CORS-simple body, `cors` for fetch; absent outside browsers. */
  readonly secFetchMode: string | undefined;
  readonly origin: string | undefined;
  readonly body: string;
  /** What the server answered, or how it failed the request on purpose. */
  readonly outcome: Outcome;
  /** Every event the body carried, whatever the answer (e.g. what a 503 turned away). */
  readonly carried: readonly Record<string, unknown>[];
  /** The events the server accepted (status 200 only): what reached "the pipeline". */
  readonly accepted: readonly Record<string, unknown>[];
  readonly rejected: readonly (EventRejection & { index: number })[];
  readonly sentAt: string | undefined;
  readonly writeKey: string | undefined;
}

export type Outcome =
  | { readonly kind: "answered"; readonly status: number }
  | { readonly kind: "socket-closed"; readonly reason: "offline" | "scripted" }
  | { readonly kind: "client-aborted" };

/**
 * A scripted answer for the next POST /v1/batch, consumed in order; an empty script means normal
 * behaviour. Note on `closeSocket`: Chromium re-sends a request once, transparently, when a reused
 * keep-alive connection closes without an answer, so one close may not reach the page's code.
 */
export type ScriptedFailure =
  | { readonly status: 429 | 500 | 503; readonly retryAfterSeconds?: number }
  | { readonly status: 413 }
  | { readonly closeSocket: true };

export interface CollectorServerOptions {
  /** Delay before answering, to model a distant collector (e.g. 100 for a 100 ms round trip). */
  readonly responseDelayMs?: number;
}

export interface CollectorServer {
  /** Origin, e.g. http://127.0.0.1:40123 (no trailing slash). */
  readonly url: string;
  /** Every request, preflights included, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Events of accepted batches (status 200), in arrival order; duplicates kept. */
  arrivals(): Arrival[];
  /** Answers the next POST /v1/batch requests with these failures, in order. */
  script(...failures: ScriptedFailure[]): void;
  /** While offline every new connection and every request is closed without an answer. */
  setOffline(offline: boolean): void;
  close(): Promise<void>;
}

const validate = createEventValidator();

function corsHeaders(): Record<string, string> {
  return {
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "POST, OPTIONS",
    "access-control-allow-headers": "content-type, authorization, x-write-key, content-encoding",
    "access-control-max-age": "600",
    // Retry-After is not a CORS-safelisted response header: without this a cross-origin SDK cannot read it.
    "access-control-expose-headers": "retry-after",
  };
}

const errorBody = (code: string, message: string) => JSON.stringify({ success: false, error: { code, message } });

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/** The events in a body, if it parses as a batch; for the record only, never for the answer. */
function carriedBy(body: string): Record<string, unknown>[] {
  try {
    const batch = (JSON.parse(body) as { batch?: unknown } | null)?.batch;
    return Array.isArray(batch) ? batch.filter((event) => event !== null && typeof event === "object") : [];
  } catch {
    return [];
  }
}

export async function startCollectorServer(options: CollectorServerOptions = {}): Promise<CollectorServer> {
  const started = Date.now();
  const requests: RecordedRequest[] = [];
  const script: ScriptedFailure[] = [];
  const sockets = new Set<Socket>();
  let offline = false;

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  server.keepAliveTimeout = 5_000;
  server.on("connection", (socket) => {
    if (offline) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  function record(request: IncomingMessage, body: string, outcome: Outcome, batch?: Partial<RecordedRequest>) {
    requests.push({
      at: Date.now() - started,
      method: request.method ?? "",
      path: request.url ?? "",
      contentType: header(request, "content-type"),
      secFetchMode: header(request, "sec-fetch-mode"),
      origin: header(request, "origin"),
      body,
      outcome,
      carried: carriedBy(body),
      accepted: [],
      rejected: [],
      sentAt: undefined,
      writeKey: undefined,
      ...batch,
    });
  }

  async function readBody(request: IncomingMessage): Promise<string | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    let aborted = false;
    request.on("aborted", () => {
      aborted = true;
    });
    try {
      for await (const chunk of request as AsyncIterable<Buffer>) {
        size += chunk.length;
        // Keep reading past the limit (so the 413 reaches the client) but stop buffering.
        if (size <= BATCH_LIMIT_BYTES + 1) chunks.push(chunk);
      }
    } catch {
      return undefined;
    }
    return aborted ? undefined : Buffer.concat(chunks).toString("utf8");
  }

  async function answer(response: ServerResponse, status: number, body: string, extra: Record<string, string> = {}) {
    if (options.responseDelayMs) await new Promise((resolve) => setTimeout(resolve, options.responseDelayMs));
    if (response.destroyed) return;
    response.writeHead(status, { "content-type": "application/json", ...corsHeaders(), ...extra });
    response.end(body);
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    if (offline) {
      record(request, "", { kind: "socket-closed", reason: "offline" });
      request.socket.destroy();
      return;
    }
    if (request.method === "OPTIONS") {
      record(request, "", { kind: "answered", status: 204 });
      response.writeHead(204, corsHeaders());
      response.end();
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      record(request, "", { kind: "client-aborted" });
      return;
    }
    if (request.method !== "POST" || request.url?.split("?")[0] !== "/v1/batch") {
      record(request, body, { kind: "answered", status: 404 });
      return answer(response, 404, errorBody("not_found", "no such endpoint"));
    }

    const failure = script.shift();
    if (failure) {
      if ("closeSocket" in failure) {
        record(request, body, { kind: "socket-closed", reason: "scripted" });
        request.socket.destroy();
        return;
      }
      record(request, body, { kind: "answered", status: failure.status });
      const retryAfter: Record<string, string> =
        "retryAfterSeconds" in failure && failure.retryAfterSeconds !== undefined
          ? { "retry-after": String(failure.retryAfterSeconds) }
          : {};
      return answer(response, failure.status, errorBody("scripted", "scripted failure"), retryAfter);
    }

    const mediaType = header(request, "content-type")?.split(";")[0]?.trim().toLowerCase();
    if (mediaType !== "application/json" && mediaType !== "text/plain") {
      record(request, body, { kind: "answered", status: 415 });
      return answer(response, 415, errorBody("unsupported_media_type", "send application/json or text/plain"));
    }
    if (Buffer.byteLength(body) > BATCH_LIMIT_BYTES) {
      record(request, "", { kind: "answered", status: 413 });
      return answer(response, 413, errorBody("payload_too_large", "the request body is too large"));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      record(request, body, { kind: "answered", status: 400 });
      return answer(response, 400, errorBody("invalid_json", "the body is not valid JSON"));
    }
    const batch = (parsed as { batch?: unknown } | null)?.batch;
    if (!Array.isArray(batch) || batch.length === 0) {
      record(request, body, { kind: "answered", status: 400 });
      return answer(response, 400, errorBody("invalid_body", 'expected { "batch": [ ...events ] }'));
    }
    const accepted: Record<string, unknown>[] = [];
    const rejected: (EventRejection & { index: number })[] = [];
    batch.forEach((candidate: unknown, index) => {
      const size = Buffer.byteLength(JSON.stringify(candidate) ?? "");
      const result =
        size > EVENT_LIMIT_BYTES
          ? ({ ok: false, rejection: { code: "schema_violation", message: `event is ${size} bytes` } } as const)
          : validate(candidate);
      if (result.ok) accepted.push(candidate as Record<string, unknown>);
      else rejected.push({ index, ...result.rejection });
    });
    const { sentAt, writeKey } = parsed as { sentAt?: unknown; writeKey?: unknown };
    const status = accepted.length > 0 ? 200 : 400;
    record(
      request,
      body,
      { kind: "answered", status },
      {
        accepted: status === 200 ? accepted : [],
        rejected,
        sentAt: typeof sentAt === "string" ? sentAt : undefined,
        writeKey: typeof writeKey === "string" ? writeKey : undefined,
      },
    );
    if (status !== 200) return answer(response, 400, errorBody("no_valid_events", "no event in the request was valid"));
    return answer(response, 200, JSON.stringify({ success: true, accepted: accepted.length, rejected }));
  }

  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    arrivals: () =>
      requests.flatMap((request) =>
        request.outcome.kind === "answered" && request.outcome.status === 200
          ? request.accepted.map((event) => ({ event, request }))
          : [],
      ),
    script: (...failures) => {
      script.push(...failures);
    },
    setOffline: (value) => {
      offline = value;
      if (value) for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
