/// <reference types="node" />
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";

/**
 * A loopback TCP relay that puts a round trip between the page and the recording collector: every
 * byte, and every close, crosses it `rttMs / 2` late in each direction, in order. The collector's own
 * `responseDelayMs` only delays the answer; here the request itself reaches the collector late, so a
 * page that goes away while its request is on the way really races it, as it does on a real network.
 *
 * TCP rather than HTTP: the relay must not read, buffer or re-send requests (an HTTP proxy would
 * finish a request the browser abandoned, or abandon one the browser finished). What the browser does
 * to the connection (a complete request, a reset half-way) reaches the collector as it happened.
 */
export interface LatencyRelay {
  /** Origin the page talks to, e.g. http://127.0.0.1:40124 (no trailing slash). */
  readonly url: string;
  readonly rttMs: number;
  close(): Promise<void>;
}

/** One direction of a connection: chunks and the end, each delivered `delayMs` after it arrived. */
function delayedPipe(from: Socket, to: Socket, delayMs: number) {
  // Timers with equal delays fire in the order they were set, which keeps the stream in order.
  const later = (action: () => void) => setTimeout(action, delayMs);
  from.on("data", (chunk) => later(() => to.destroyed || to.write(chunk)));
  // A clean close (FIN) after the data it follows; an abort (RST) the same, so a request the browser
  // cancelled after sending it whole still arrives whole, and one cut short arrives cut short.
  from.on("end", () => later(() => to.destroyed || to.end()));
  from.on("error", () => later(() => to.destroy()));
  from.on("close", () => later(() => to.destroyed || to.end()));
}

export async function startLatencyRelay(target: string, rttMs: number): Promise<LatencyRelay> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // Errors are relayed as closes (above); unhandled, they would crash the test run.
    socket.on("error", () => {});
  };
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = connect({ host: hostname, port: Number(port), allowHalfOpen: true });
    track(client);
    track(upstream);
    delayedPipe(client, upstream, rttMs / 2);
    delayedPipe(upstream, client, rttMs / 2);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("latency relay: no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    rttMs,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
