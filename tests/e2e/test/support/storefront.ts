import { type ChildProcess, execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestCollector } from "./collector.js";
import { freePorts } from "./ports.js";
import { repoRoot } from "./stack-env.js";

const run = promisify(execFile);
const storefrontDir = join(repoRoot, "examples/storefront");
const next = join(storefrontDir, "node_modules/next/dist/bin/next");

export interface TestStorefront {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** Stops next start and waits until it has exited. */
  close(): Promise<void>;
}

export async function until(check: () => Promise<boolean>, what: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * examples/storefront as it ships: the production build (`next build`), then `next start` on a free loopback
 * port, sending to `collector`. The caller plays the shop's CDN: it writes the shopper's address into
 * X-Forwarded-For (STOREFRONT_TRUSTED_PROXY_HOPS=1).
 */
export async function startStorefront(collector: TestCollector): Promise<TestStorefront> {
  const started = Date.now();
  await run(process.execPath, [next, "build"], {
    cwd: storefrontDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  }).catch((error) => {
    throw new Error(`next build failed:\n${error.stdout}\n${error.stderr}`);
  });
  console.info(`storefront: next build took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const [port] = await freePorts(1);
  const origin = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(process.execPath, [next, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: storefrontDir,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: "1",
      STOREFRONT_COLLECTOR_URL: collector.url,
      STOREFRONT_WRITE_KEY: collector.writeKey,
      STOREFRONT_SERVER_WRITE_KEY: collector.serverWriteKey,
      STOREFRONT_TRUSTED_PROXY_HOPS: "1",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const close = async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill();
    await new Promise((resolve) => server.once("exit", resolve));
  };
  try {
    await until(
      async () => (await fetch(origin).catch(() => undefined))?.ok === true,
      () => `next start on ${origin}`,
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { origin, close };
}
