/** Properties every SDK gets for its one event, so each call carries the same payload. */
export interface ProductProps {
  product_id: string;
  sku: string;
  price: number;
  currency: string;
  quantity: number;
}

/**
 * One SDK behind the same two calls. `init` resolves once the SDK is ready to send; `track`
 * is the single public call a page makes per event, and the only thing that is timed.
 */
export interface CostAdapter {
  init(host: string): Promise<void>;
  track(props: ProductProps): unknown;
}

export const EVENT_NAME = "Product Added";

export interface CostResult {
  medianUs: number;
  p99Us: number;
  /** Mean of the per-call samples: unbiased even where the clock is coarse (Chromium: 5 µs steps with jitter). */
  meanUs: number;
  /**
   * Mean of the last tenth of the calls over the mean of the first tenth: well above 1 when a call
   * costs more as the SDK's unsent queue grows during the burst.
   */
  growth: number;
  /** Wall time of the timed phase per call, including the SDK's promise and task work between chunks. */
  amortizedUs: number;
  iterations: number;
  /** Requests sent for the timed events once the SDK's own timers have flushed them. */
  requests: number;
  logs: string[];
}
