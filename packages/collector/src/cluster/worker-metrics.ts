import { AggregatorRegistry, type Registry } from "prom-client";
import type { MetricsSource } from "../metrics/admin-server.js";
import { isMetricsResponse, type MetricsRequest } from "./messages.js";

/** How long a worker waits for the primary's aggregate before answering /metrics with an error. */
const METRICS_TIMEOUT_MS = 5000;

/**
 * In a worker: offers this process's registry to the primary's aggregation (prom-client's cluster
 * protocol) and returns the source the public /metrics route serves, which asks the primary for the
 * sum over every worker, so any worker a scrape lands on answers for the whole collector.
 */
export function clusterMetricsSource(registry: Registry): MetricsSource {
  // Constructing one is what makes prom-client answer the primary's requests in this worker.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let nextId = 0;
  const waiting = new Map<
    number,
    { resolve: (value: { contentType: string; body: string }) => void; reject: (error: Error) => void }
  >();
  process.on("message", (message: unknown) => {
    if (!isMetricsResponse(message)) return;
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    if (message.body !== undefined && message.contentType !== undefined) {
      pending.resolve({ contentType: message.contentType, body: message.body });
    } else pending.reject(new Error(message.error ?? "the primary sent no metrics"));
  });
  return () =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error("the primary did not answer for metrics in time"));
      }, METRICS_TIMEOUT_MS);
      waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      const request: MetricsRequest = { type: "shop:metrics-request", id };
      process.send?.(request);
    });
}
