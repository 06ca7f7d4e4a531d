import { type SpawnOptions, spawn } from "node:child_process";

export interface ChildOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end and collects its exit code and output (never rejects on a non-zero exit). */
export function runToEnd(command: string, args: readonly string[], options: SpawnOptions): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
