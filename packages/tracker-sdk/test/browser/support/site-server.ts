/// <reference types="node" />
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

/**
 * A shop site on loopback: HTML pages the test registers, and the SDK's build served first-party from
 * /sdk/ (as a site without a bundler would host the snippet). Two of these on different ports are two
 * origins, so "leaving the site" is a real cross-origin navigation with separate storage.
 */
export interface SiteServer {
  /** Origin, e.g. http://127.0.0.1:40123 (no trailing slash). */
  readonly url: string;
  /** Serves `html` at `path` (exact match, query string ignored) from now on. */
  page(path: string, html: string): void;
  /**
   * What the server would answer for `pathname`, without a request: lets a test serve the site while
   * the browser context is offline (Playwright routes are answered before the network).
   */
  resolve(pathname: string): Promise<Resource>;
  /** Paths requested over HTTP so far, query strings kept, in order. */
  readonly hits: readonly string[];
  close(): Promise<void>;
}

export interface Resource {
  readonly status: number;
  readonly contentType: string;
  readonly body: string | Buffer;
}

const contentTypes: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".html": "text/html; charset=utf-8",
};

export interface SiteServerOptions {
  /** Directory served at /sdk/ (the SDK's dist). */
  readonly sdkDir: string;
  /**
   * Host name in the site's URL. The server always listens on 127.0.0.1; "localhost" makes a site
   * that is cross-site to one on 127.0.0.1 (different registrable host), yet still a secure context,
   * so Web Locks and IndexedDB behave as on https.
   */
  readonly hostname?: "127.0.0.1" | "localhost";
}

export async function startSiteServer({ sdkDir, hostname = "127.0.0.1" }: SiteServerOptions): Promise<SiteServer> {
  const pages = new Map<string, string>();
  const hits: string[] = [];
  async function resolve(pathname: string): Promise<Resource> {
    const html = pages.get(pathname);
    if (html !== undefined) return { status: 200, contentType: contentTypes[".html"] ?? "text/html", body: html };
    if (pathname.startsWith("/sdk/")) {
      const file = normalize(join(sdkDir, decodeURIComponent(pathname.slice("/sdk/".length))));
      if (file.startsWith(sdkDir + sep)) {
        try {
          return { status: 200, contentType: contentTypes[extname(file)] ?? "text/plain", body: await readFile(file) };
        } catch {
          // fall through to 404
        }
      }
    }
    if (pathname === "/favicon.ico") return { status: 204, contentType: "text/plain", body: "" };
    return { status: 404, contentType: "text/plain", body: "not found" };
  }

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    hits.push(url.pathname + url.search);
    const { status, contentType, body } = await resolve(url.pathname);
    response.writeHead(status, { "cache-control": "no-store", "content-type": contentType });
    response.end(body);
  });
  server.keepAliveTimeout = 1_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${hostname}:${port}`,
    hits,
    resolve,
    page: (path, html) => {
      pages.set(path, html);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A minimal HTML document; `head` and `body` are inserted as they are. */
export function htmlPage({ title, head = "", body = "" }: { title: string; head?: string; body?: string }): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title>${head}</head>
<body>${body}</body>
</html>`;
}
