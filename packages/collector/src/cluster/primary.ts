import cluster, { type Worker } from "node:cluster";
import type { Logger } from "pino";
import { AggregatorRegistry } from "prom-client";
import type { CollectorConfig } from "../config.js";
import { portOf, startAdminServer } from "../metrics/admin-server.js";
import { isMetricsRequest, type MetricsResponse } from "./messages.js";

/** A worker that dies sooner than this after its start counts towards giving up. */
const EARLY_EXIT_MS = 10_000;
/** Early exits in a row after which the primary stops restarting and exits: the workers cannot start. */
const MAX_EARLY_EXITS = 5;
const RESTART_DELAY_MS = 1000;

/**
 * The primary of a multi-process collector: it serves no requests itself. It forks one worker per
 * configured core (each worker binds its own socket on the port with SO_REUSEPORT and the kernel spreads
 * the connections; see server.ts for why not node:cluster's hand-over), restarts a worker that dies,
 * forwards SIGTERM/SIGINT (graceful shutdown of every worker, then exit) and SIGHUP (write key reload),
 * and aggregates the workers' metrics for /metrics and the admin port.
 */
export async function runPrimary(config: CollectorConfig, log: Logger): Promise<void> {
  const aggregator = new AggregatorRegistry();
  const aggregate = async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() });
  const startedAt = new Map<number, number>();
  let earlyExits = 0;
  let stopping = false;
  let failed = false;

  const fork = (index: number) => {
    const worker = cluster.fork({ COLLECTOR_WORKER_INDEX: String(index) });
    startedAt.set(worker.id, Date.now());
    worker.on("message", (message: unknown) => answerMetrics(worker, message));
    worker.on("exit", (code, signal) => {
      const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
      startedAt.delete(worker.id);
      if (stopping) {
        if (code !== 0) failed = true;
        if (startedAt.size === 0) process.exit(failed ? 1 : 0);
        return;
      }
      earlyExits = lived < EARLY_EXIT_MS ? earlyExits + 1 : 0;
      if (earlyExits >= MAX_EARLY_EXITS) {
        log.fatal({ worker: { index, code, signal } }, `workers keep exiting at start; giving up after ${earlyExits}`);
        stopping = true;
        for (const other of Object.values(cluster.workers ?? {})) other?.process.kill("SIGTERM");
        if (startedAt.size === 0) process.exit(1);
        return;
      }
      log.error({ worker: { index, code, signal } }, "worker exited; starting another");
      setTimeout(() => fork(index), RESTART_DELAY_MS).unref();
    });
  };

  const answerMetrics = (worker: Worker, message: unknown) => {
    if (!isMetricsRequest(message)) return;
    aggregate().then(
      ({ contentType, body }) => send(worker, { type: "shop:metrics-response", id: message.id, contentType, body }),
      (error: unknown) => send(worker, { type: "shop:metrics-response", id: message.id, error: String(error) }),
    );
  };

  const signalAll = (signal: NodeJS.Signals) => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, "shutting down every worker");
      signalAll("SIGTERM");
      if (startedAt.size === 0) process.exit(0);
    });
  }
  process.on("SIGHUP", () => signalAll("SIGHUP"));

  if (config.adminPort !== undefined) {
    const admin = await startAdminServer(config.adminHost, config.adminPort, aggregate);
    log.info({ admin: { host: config.adminHost, port: portOf(admin) } }, "admin port: /metrics served here only");
  }
  log.info({ workers: config.workers }, `starting ${config.workers} worker processes`);
  for (let index = 0; index < config.workers; index++) fork(index);
}

function send(worker: Worker, message: MetricsResponse) {
  if (worker.isConnected()) worker.send(message);
}
