/**
 * What the collector's processes say to each other over the cluster's IPC channel: a worker asks the
 * primary for the metrics of every process (its /metrics answers for the whole collector).
 */
export interface MetricsRequest {
  type: "shop:metrics-request";
  id: number;
}

export interface MetricsResponse {
  type: "shop:metrics-response";
  id: number;
  contentType?: string;
  body?: string;
  error?: string;
}

export const isMetricsRequest = (message: unknown): message is MetricsRequest =>
  (message as { type?: unknown } | null)?.type === "shop:metrics-request";

export const isMetricsResponse = (message: unknown): message is MetricsResponse =>
  (message as { type?: unknown } | null)?.type === "shop:metrics-response";
