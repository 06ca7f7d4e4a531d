import type { FastifyInstance } from "fastify";

/** How often connections that went idle during the shutdown are closed. */
const IDLE_SWEEP_MS = 50;

/**
 * Stops the collector gracefully: no new connections, every request in flight answered (a 200 only
 * once Kafka has its events, as always), then the onClose hooks (the producer's flush).
 *
 * Node closes the connections that are idle when the shutdown starts, but a keep-alive connection
 * busy at that moment stays open after its last answer until the client lets go or keepAliveTimeout
 * (72 s) passes; the shutdown would wait for it. So connections are closed as they go idle.
 */
export async function closeGracefully(app: FastifyInstance): Promise<void> {
  const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
  }
}
