import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { HistorySource } from "../history/query-history.js";
import type { Hub } from "../hub.js";
import type { Logger } from "../logger.js";

export interface ServerOptions {
  readonly hub: Hub;
  readonly history: HistorySource;
  readonly logger: Logger;
  readonly host: string;
  readonly port: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

export interface DashboardServer {
  readonly url: string;
  close(): Promise<void>;
}

/** The page's own files: public/ sits beside src/ and dist/ alike. */
const publicDir = fileURLToPath(new URL("../../public/", import.meta.url));
// uPlot is served from our own origin, read from the installed package (no CDN: the page works offline).
const uplotDir = join(dirname(createRequire(import.meta.url).resolve("uplot")), "..", "dist");

const files: Readonly<Record<string, { path: string; type: string }>> = {
  "/": { path: join(publicDir, "index.html"), type: "text/html; charset=utf-8" },
  "/app.js": { path: join(publicDir, "app.js"), type: "text/javascript; charset=utf-8" },
  "/style.css": { path: join(publicDir, "style.css"), type: "text/css; charset=utf-8" },
  "/vendor/uPlot.iife.min.js": { path: join(uplotDir, "uPlot.iife.min.js"), type: "text/javascript; charset=utf-8" },
  "/vendor/uPlot.min.css": { path: join(uplotDir, "uPlot.min.css"), type: "text/css; charset=utf-8" },
};

/** SSE comments keep idle connections open through proxies that close silent ones. */
const KEEPALIVE_MS = 15_000;

export async function startServer(options: ServerOptions): Promise<DashboardServer> {
  const { hub, logger } = options;
  const now = options.now ?? (() => new Date());
  const streams = new Set<ServerResponse>();

  const events = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    // A reconnecting EventSource waits this long; the page shows "reconnecting" meanwhile.
    res.write("retry: 2000\n\n");
    send("snapshot", hub.view());
    const unsubscribe = hub.subscribe((view) => send("view", view));
    const keepalive = setInterval(() => res.write(": keepalive\n\n"), KEEPALIVE_MS);
    streams.add(res);
    req.on("close", () => {
      clearInterval(keepalive);
      unsubscribe();
      streams.delete(res);
    });
  };

  const history = async (res: ServerResponse) => {
    try {
      const body = await options.history.todayVsYesterday(now());
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(body));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.warn("history query failed", { error: message });
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: `the query layer could not answer: ${message}` }));
    }
  };

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/events") return events(req, res);
    if (path === "/history") return void history(res);
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
      return;
    }
    const file = files[path];
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    readFile(file.path).then(
      (body) => res.writeHead(200, { "content-type": file.type, "cache-control": "no-cache" }).end(body),
      (error: unknown) => {
        logger.error("static file unreadable", { path: file.path, error: String(error) });
        res.writeHead(500).end();
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of streams) res.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
