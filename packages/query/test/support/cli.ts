import { runCli } from "../../src/cli/run.js";

/** Runs the CLI in process and captures what it prints, as a user would see it. */
export async function runCliCaptured(argv: string[], env: Record<string, string | undefined> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    env,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr };
}
