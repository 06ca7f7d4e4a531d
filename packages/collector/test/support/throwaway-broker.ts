import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

export interface ThrowawayBroker {
  brokers: string[];
  start(): Promise<void>;
  /** Stops the broker the way operators do (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
  /** Stops it (if it runs) and deletes its state. */
  dispose(): Promise<void>;
}

/**
 * A Kafka broker of our own, started with the stack's own script (scripts/stack/kafka.sh) but with
 * its state in a temp dir and on free ports: a broker a fault test may stop and restart without
 * disturbing the shared one other suites use. The topics are created by the script's `topics` step
 * on every start (idempotent).
 */
export async function throwawayBroker(topics: {
  raw: string;
  invalid: string;
  fraud: string;
  metrics: string;
  partitions: number;
}) {
  const stackDir = await mkdtemp(join(tmpdir(), "collector-fault-"));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const brokers = [`127.0.0.1:${port}`];
  const env = {
    ...process.env,
    STACK_DIR: stackDir,
    KAFKA_HOST: "127.0.0.1",
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_BROKERS: brokers.join(","),
    // The stack's four topic slots, each with a name (and partition count) of the test's choosing.
    KAFKA_TOPIC_RAW: topics.raw,
    KAFKA_RAW_PARTITIONS: String(topics.partitions),
    KAFKA_TOPIC_INVALID: topics.invalid,
    KAFKA_TOPIC_FRAUD: topics.fraud,
    KAFKA_FRAUD_PARTITIONS: String(topics.partitions),
    KAFKA_TOPIC_METRICS: topics.metrics,
    KAFKA_METRICS_PARTITIONS: String(topics.partitions),
    // No class-data archive: its recording would slow the first stop and write into the shared tools dir.
    KAFKA_CDS: "0",
    KAFKA_HEAP_OPTS: "-Xms128m -Xmx512m",
    STACK_STOP_TIMEOUT: "20",
  };
  const kafkaSh = (command: string) =>
    new Promise<void>((resolve, reject) => {
      execFile(
        "bash",
        [join(repoRoot, "scripts/stack/kafka.sh"), command],
        { env, cwd: repoRoot, timeout: 120_000 },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`kafka.sh ${command} failed: ${error.message}\n${stdout}\n${stderr}`));
          else resolve();
        },
      );
    });
  const broker: ThrowawayBroker = {
    brokers,
    async start() {
      await kafkaSh("start");
    },
    async stop() {
      await kafkaSh("stop");
    },
    async dispose() {
      // Always: a start that timed out may still have left a broker behind.
      await broker.stop().catch(() => undefined);
      await rm(stackDir, { recursive: true, force: true });
    },
  };
  return broker;
}
