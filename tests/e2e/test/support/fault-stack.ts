import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePorts } from "./ports.js";
import { repoRoot, type StackEnv } from "./stack-env.js";

const run = promisify(execFile);

/**
 * A stack of its own (Kafka, moto, the streams) under a temporary STACK_DIR on free loopback ports, run by the
 * repo's own scripts/stack/*.sh: the fault test stops and kills its parts without touching the shared stack
 * other suites use (scripts/lib.sh lets STACK_DIR be overridden for exactly this).
 */
export interface ThrowawayStack {
  readonly dir: string;
  readonly env: StackEnv;
  /** Runs scripts/stack/<script>.sh with the stack's environment; rejects with the script's output on failure. */
  script(script: string, args: string[], extra?: Record<string, string>): Promise<string>;
  /** The PID a service's PID file names (stream.sh and kafka.sh write them), if any. */
  pidOf(pidFile: string): number | undefined;
  /**
   * SIGKILL to a service's whole session (the stack starts each with setsid: driver, Spark JVM, workers); resolves
   * once every process of it is gone, so a start right after cannot find the old one still running.
   */
  killService(pidFile: string): Promise<boolean>;
  down(): Promise<void>;
}

export async function throwawayStack(base: StackEnv, overrides: Record<string, string>): Promise<ThrowawayStack> {
  const dir = mkdtempSync(join(tmpdir(), "shop-e2e-faults-"));
  const [kafkaPort, controllerPort, s3Port] = await freePorts(3);
  const env: StackEnv = {
    ...base,
    STACK_DIR: dir,
    KAFKA_PORT: String(kafkaPort),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
    S3_PORT: String(s3Port),
    S3_ENDPOINT_URL: `http://127.0.0.1:${s3Port}`,
    // A small broker: it shares two cores with Spark, the shared stack and the rest of the suite.
    KAFKA_HEAP_OPTS: "-Xms128m -Xmx384m",
    ...overrides,
  };
  const script = async (name: string, args: string[], extra: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await run("bash", [join(repoRoot, "scripts/stack", `${name}.sh`), ...args], {
        env: { ...process.env, ...env, ...extra },
        // Beyond a stream's start timeout (FRAUD_STREAM_START_TIMEOUT), so the script's own message is the one seen.
        timeout: 720_000,
        maxBuffer: 8 * 1024 * 1024,
      });
      return stdout + stderr;
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${name}.sh ${args.join(" ")} failed: ${e.message}\n${e.stdout ?? ""}${e.stderr ?? ""}`);
    }
  };
  const pidOf = (pidFile: string) => {
    const text = existsSync(pidFile) ? readFileSync(pidFile, "utf8").trim() : "";
    return /^\d+$/.test(text) ? Number(text) : undefined;
  };
  return {
    dir,
    env,
    script,
    pidOf,
    killService: async (pidFile) => {
      const pid = pidOf(pidFile);
      if (pid === undefined) return false;
      const signal = (sig: NodeJS.Signals | 0) => {
        try {
          process.kill(-pid, sig);
          return true;
        } catch {
          return false;
        }
      };
      if (!signal("SIGKILL")) return false;
      await waitFor(`the processes of ${pidFile} to exit`, () => !signal(0), 60_000);
      return true;
    },
    down: async () => {
      await script("down", []).catch(() => undefined);
    },
  };
}

export interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  log(): string;
  /** Signals the process group (a Node service and anything it forked). */
  kill(signal: NodeJS.Signals): void;
}

/** A Node service of the repo (collector, sink runner) in a process group of its own, its output kept. */
export function startService(name: string, script: string, args: string[], env: Record<string, string>): Service {
  let log = "";
  const child = spawn(process.execPath, [join(repoRoot, script), ...args], {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  for (const stream of [child.stdout, child.stderr])
    stream?.on("data", (chunk) => {
      log = (log + chunk).slice(-20_000);
    });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    name,
    child,
    exited,
    log: () => `${name}:\n${log.slice(-4000)}`,
    kill: (signal) => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    },
  };
}

export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  detail: () => string = () => "",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** A streaming query's checkpoint on local disk: what its newest committed batch read. */
export interface Checkpoint {
  /** The newest committed batch id, -1 before the first commit. */
  lastCommit(): number;
  /** Offsets per topic and partition the newest committed batch read up to ({} before the first commit). */
  committedOffsets(): Record<string, Record<string, number>>;
}

export function checkpointAt(dir: string): Checkpoint {
  const numbered = (folder: string) =>
    existsSync(folder)
      ? readdirSync(folder)
          .filter((f) => /^\d+$/.test(f))
          .map(Number)
      : [];
  const lastCommit = () => Math.max(-1, ...numbered(join(dir, "commits")));
  return {
    lastCommit,
    committedOffsets: () => {
      const batch = lastCommit();
      if (batch < 0) return {};
      const lines = readFileSync(join(dir, "offsets", String(batch)), "utf8")
        .trim()
        .split("\n");
      return JSON.parse(lines.at(-1) ?? "{}") as Record<string, Record<string, number>>;
    },
  };
}
