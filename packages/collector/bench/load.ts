import { Pool } from "undici";

export interface LoadResult {
  requests: number;
  events: number;
  /** Answers other than 200 (each is a failure of the run). */
  failures: number;
  statuses: Record<string, number>;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
}

const quantile = (sorted: Float64Array, q: number) =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);

/** Answers by status and the latency of each 200, summed up into a {@link LoadResult}. */
function createTally() {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  return {
    add(status: string, latencyMs: number) {
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === "200") latencies.push(latencyMs);
    },
    result(eventsPerBody: number, seconds: number): LoadResult {
      const sorted = Float64Array.from(latencies).sort();
      const ok = statuses["200"] ?? 0;
      return {
        requests: ok,
        events: ok * eventsPerBody,
        failures: Object.entries(statuses).reduce((sum, [status, count]) => sum + (status === "200" ? 0 : count), 0),
        statuses,
        seconds,
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
      };
    },
  };
}

/** What every load sends: Segment batches to one collector. */
interface LoadTarget {
  url: string;
  bodies: string[];
  eventsPerBody: number;
  headers: Record<string, string>;
}

/** POSTs one body and reads the whole answer; the status, or "error" when no answer came. */
async function post(pool: Pool, headers: Record<string, string>, body: string): Promise<string> {
  try {
    const response = await pool.request({ path: "/v1/batch", method: "POST", headers, body });
    await response.body.dump();
    return String(response.statusCode);
  } catch {
    return "error";
  }
}

/**
 * Closed-loop load on loopback: `connections` keep-alive connections, each sending the next body as
 * soon as the previous answer arrived, for `seconds`. Latency is request start to full response.
 */
export async function runLoad(options: LoadTarget & { connections: number; seconds: number }): Promise<LoadResult> {
  const pool = new Pool(options.url, { connections: options.connections, pipelining: 1 });
  const tally = createTally();
  let next = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const body = options.bodies[next++ % options.bodies.length] as string;
      const sent = performance.now();
      const status = await post(pool, options.headers, body);
      if (status === "error") await new Promise((resolve) => setTimeout(resolve, 10));
      tally.add(status, performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return tally.result(options.eventsPerBody, seconds);
}

/**
 * Open-loop load on loopback, as independent shoppers send it: requests start on a fixed schedule
 * (`eventsPerSecond / eventsPerBody` per second) whether or not earlier ones were answered, over up to
 * `maxConnections` keep-alive connections (beyond that they wait for one, and the wait counts). Latency
 * is measured from a request's scheduled start, so a server that falls behind is not flattered by the
 * generator slowing down with it (coordinated omission). Requests still unanswered at the end are
 * awaited and counted.
 */
export async function runOpenLoad(
  options: LoadTarget & { eventsPerSecond: number; maxConnections: number; seconds: number },
): Promise<LoadResult> {
  const pool = new Pool(options.url, { connections: options.maxConnections, pipelining: 1 });
  const tally = createTally();
  const requestsPerMs = options.eventsPerSecond / options.eventsPerBody / 1000;
  const total = Math.floor(requestsPerMs * options.seconds * 1000);
  const pending: Promise<void>[] = [];
  const send = async (scheduled: number, body: string) => {
    const status = await post(pool, options.headers, body);
    tally.add(status, performance.now() - scheduled);
  };
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor((performance.now() - started) * requestsPerMs) + 1);
    for (; sent < due; sent++) {
      pending.push(send(started + sent / requestsPerMs, options.bodies[sent % options.bodies.length] as string));
    }
    // Timers are 1 ms at best; the schedule above catches up on whatever a late tick left due.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return tally.result(options.eventsPerBody, seconds);
}
