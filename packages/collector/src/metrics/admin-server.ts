import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the admin port serves: the Prometheus text of this collector (all its processes, once clustered). */
export type MetricsSource = () => Promise<{ contentType: string; body: string }>;

/**
 * The admin port: GET /metrics for the scraper, on an address the public never reaches (loopback or a
 * private interface), so metrics need no path rules at the proxy. Nothing else is served there.
 */
export async function startAdminServer(host: string, port: number, metrics: MetricsSource): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "").split("?")[0];
    if (request.method !== "GET" || path !== "/metrics") {
      response.writeHead(404, { "content-type": "application/json; charset=utf-8" }).end('{"error":"not_found"}');
      return;
    }
    metrics().then(
      ({ contentType, body }) => response.writeHead(200, { "content-type": contentType }).end(body),
      (error: unknown) =>
        response.writeHead(500, { "content-type": "text/plain" }).end(`metrics unavailable: ${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}

export const portOf = (server: Server) => (server.address() as AddressInfo).port;
