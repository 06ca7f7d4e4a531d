#!/usr/bin/env node
import { runCli } from "./cli/run.js";

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
  // `once`: the first Ctrl-C stops the query on Athena; with no listener left, a second one ends the process
  // at once (Node's default for SIGINT), for when StopQueryExecution itself hangs.
  onInterrupt: (handler) => {
    process.once("SIGINT", handler);
    return () => process.off("SIGINT", handler);
  },
});
