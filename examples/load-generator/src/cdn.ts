import { Agent, createServer, type IncomingHttpHeaders, request } from "node:http";
import type { AddressInfo } from "node:net";

/** What went through the stand-in CDN to the collector: a batch's body and its answer (0: none, a network error). */
export type BatchSeen = (body: string, status: number) => void;

export interface Cdn {
  /** http://127.0.0.1:<port>, for the browser context's `proxy.server`. */
  readonly url: string;
  /** Requests forwarded and not yet answered. */
  inFlight(): number;
  /** When the last batch to the collector came in (epoch ms; 0: none yet). */
  lastBatchAt(): number;
  close(): Promise<void>;
}

/** Headers that belong to one hop (RFC 9110 §7.6.1) and to the browser-to-proxy leg. */
const hopByHop = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "upgrade"]);

/**
 * One shopper's edge: a forward HTTP proxy on loopback that the shopper's browser context uses for every
 * request, to the storefront and to the collector alike. It writes the shopper's address into
 * X-Forwarded-For, as the shop's CDN does, and reports each batch to the collector with its answer. Being
 * below the browser, it sees what page scripts cannot: the beacon the SDK sends as a page goes away.
 * Plain http only (a local storefront and collector); `isBatch` picks the collector's batches.
 */
export async function startCdn(
  ip: string,
  isBatch: (method: string, url: string) => boolean,
  onBatch: BatchSeen,
): Promise<Cdn> {
  const agent = new Agent({ keepAlive: true });
  let inFlight = 0;
  let lastBatchAt = 0;
  const server = createServer((incoming, outgoing) => {
    const method = incoming.method ?? "GET";
    let target: URL;
    try {
      target = new URL(incoming.url ?? "");
    } catch {
      outgoing.writeHead(400).end("a proxy request names an absolute http:// URL");
      return;
    }
    if (target.protocol !== "http:") {
      outgoing.writeHead(501).end("this stand-in CDN forwards plain http only");
      return;
    }
    const batch = isBatch(method, target.href);
    if (batch) lastBatchAt = Date.now();
    inFlight += 1;
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      const headers: IncomingHttpHeaders = { "x-forwarded-for": ip };
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (!hopByHop.has(name) && name !== "x-forwarded-for") headers[name] = value;
      }
      let done = false;
      const finish = (status: number) => {
        if (done) return;
        done = true;
        inFlight -= 1;
        if (batch) onBatch(body.toString("utf8"), status);
      };
      const upstream = request(target, { method, headers, agent }, (answer) => {
        const status = answer.statusCode ?? 0;
        const answerHeaders = Object.fromEntries(
          Object.entries(answer.headers).filter(([name]) => !hopByHop.has(name)),
        ) as IncomingHttpHeaders;
        outgoing.writeHead(status, answerHeaders);
        answer.pipe(outgoing);
        // The collector's answer counts once it is complete, whether or not the browser is still there to read it.
        answer.on("end", () => finish(status));
        answer.on("error", () => finish(0));
      });
      upstream.on("error", () => {
        finish(0);
        if (!outgoing.headersSent) outgoing.writeHead(502);
        outgoing.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    inFlight: () => inFlight,
    lastBatchAt: () => lastBatchAt,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
