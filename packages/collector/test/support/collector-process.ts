import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.js";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const entryPoint = fileURLToPath(new URL("../../dist/server.js", import.meta.url));

export interface CollectorProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote (JSON log lines and start-up errors), so far. */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it is still there after 10 s. */
  stop(): Promise<void>;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The built entry point (dist/server.js) in its own process, configured by `env` only, as production
 * runs it (`make test` builds before testing). With `waitUntilReady`, resolves once /ready answers 200.
 */
export async function startCollectorProcess(
  env: Record<string, string>,
  { waitUntilReady = true } = {},
): Promise<CollectorProcess> {
  if (!existsSync(entryPoint)) throw new Error(`${entryPoint} is missing: build the package first`);
  const port = await freePort();
  const child = spawn(process.execPath, [entryPoint], {
    cwd: packageDir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", COLLECTOR_HOST: "127.0.0.1", COLLECTOR_PORT: String(port), ...env },
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const process_: CollectorProcess = {
    url,
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  if (waitUntilReady) {
    try {
      await until(
        async () => {
          if (child.exitCode !== null) throw new Error(`the collector exited (${child.exitCode}):\n${output}`);
          return (await fetch(`${url}/ready`)).ok;
        },
        "the collector to be ready",
        30_000,
      );
    } catch (error) {
      await process_.stop();
      throw new Error(`${String(error)}\n${output}`);
    }
  }
  return process_;
}
