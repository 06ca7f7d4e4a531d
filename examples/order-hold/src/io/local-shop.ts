import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { IdWindow } from "../core/id-window.js";
import { SIGNATURE_HEADER, verifySignature } from "../core/signature.js";

export interface LocalShopOptions {
  /** @default 0 (any free port) */
  readonly port?: number;
  /** When set, requests must carry a valid `Shop-Signature`. */
  readonly secret?: string | undefined;
  /** Receives one line per request. */
  readonly print: (line: string) => void;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface LocalShop {
  /** Where to POST holds: `http://127.0.0.1:<port>/holds`. */
  readonly url: string;
  readonly stats: { readonly placed: number; readonly duplicates: number; readonly rejected: number };
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
/** Keys a real shop would keep for days in its database; the stand-in keeps the newest in memory. */
const REMEMBERED_KEYS = 100_000;

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

const reply = (response: ServerResponse, status: number, body: Record<string, unknown>) => {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
};

interface HoldBody {
  orderId?: unknown;
  checkoutId?: unknown;
  score?: unknown;
  reasons?: Array<{ code?: unknown }>;
}

function describeHold(hold: HoldBody): string {
  const target =
    typeof hold.orderId === "string" ? `order=${hold.orderId}` : `checkout=${String(hold.checkoutId ?? "?")}`;
  const codes = Array.isArray(hold.reasons) ? hold.reasons.map((r) => String(r?.code)).join(",") : "";
  return `${target} score=${String(hold.score)} reasons=${codes}`;
}

/**
 * A stand-in for the shop's hold endpoint, on 127.0.0.1: what the consumer calls when no
 * ORDER_HOLD_WEBHOOK_URL is configured. It does what a shop's endpoint should: checks the signature
 * when it has the secret, places one hold per `Idempotency-Key` and answers a repeated key with 200
 * without placing another, and prints one line per request ("hold placed" / "duplicate ignored").
 */
export function startLocalShop(options: LocalShopOptions): Promise<LocalShop> {
  const now = options.now ?? Date.now;
  const seen = new IdWindow(REMEMBERED_KEYS);
  const stats = { placed: 0, duplicates: 0, rejected: 0 };
  const print = (line: string) => options.print(`[local shop] ${line}`);

  const reject = (response: ServerResponse, status: number, error: string) => {
    stats.rejected += 1;
    print(`rejected ${status}: ${error}`);
    reply(response, status, { error });
  };

  const server = createServer((request, response) => {
    void (async () => {
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      if (path !== "/holds") return reply(response, 404, { error: "not found; POST /holds" });
      if (request.method !== "POST") return reply(response, 405, { error: "POST only" });
      const body = await readBody(request);
      if (body === undefined) return reject(response, 413, "body too large");
      if (options.secret !== undefined) {
        const header = request.headers[SIGNATURE_HEADER];
        const check = verifySignature(
          options.secret,
          Array.isArray(header) ? header[0] : header,
          body,
          Math.floor(now() / 1000),
        );
        if (!check.ok) return reject(response, 401, `signature ${check.reason}`);
      }
      const key = request.headers["idempotency-key"];
      if (typeof key !== "string" || key === "") return reject(response, 400, "Idempotency-Key header is required");
      let hold: HoldBody;
      try {
        hold = JSON.parse(body) as HoldBody;
      } catch {
        return reject(response, 400, "body is not JSON");
      }
      if (hold === null || typeof hold !== "object") return reject(response, 400, "body must be a JSON object");
      if (!seen.add(key)) {
        stats.duplicates += 1;
        print(`duplicate ignored alert=${key} ${describeHold(hold)}`);
        return reply(response, 200, { status: "duplicate", alertId: key });
      }
      stats.placed += 1;
      print(`hold placed alert=${key} ${describeHold(hold)}`);
      return reply(response, 201, { status: "held", alertId: key });
    })().catch((error: unknown) => {
      if (!response.headersSent) reply(response, 500, { error: (error as Error).message });
    });
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/holds`,
        stats,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
