/**
 * Child process: loads one SDK bundle, times its track() and prints one JSON line. One process per
 * SDK so no SDK pays for another's heap, JIT state or leftover timers. `--dom` gives it a happy-dom
 * window (for browser SDKs when no Chromium is installed); without it, plain Node.
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { CostAdapter } from "./adapter.js";
import { measureTrack } from "./measure.js";
import { installNetworkStub } from "./network-stub.js";

const PAGE_URL = "https://shop.example/products/p-1?utm_source=bench";
// A browser's user agent: some SDKs drop events from agents that look like bots (happy-dom's does).
const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

const { values } = parseArgs({
  options: {
    bundle: { type: "string" },
    dom: { type: "boolean", default: false },
    iterations: { type: "string", default: "20000" },
    warmup: { type: "string", default: "3000" },
    "max-seconds": { type: "string", default: "3" },
  },
});
if (!values.bundle) throw new Error("--bundle is required");

// Node's own timers, before happy-dom puts its window's on the global object.
const nodeSetImmediate = globalThis.setImmediate;
const nodeSetTimeout = globalThis.setTimeout;

// SDK warnings would bury the tables; keep the first few for diagnosis.
const logs: string[] = [];
for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  console[level] = (...args: unknown[]) => {
    if (logs.length < 5) logs.push(`${level}: ${args.map(String).join(" ").slice(0, 200)}`);
  };
}

if (values.dom) {
  const { GlobalRegistrator } = await import("@happy-dom/global-registrator");
  GlobalRegistrator.register({
    url: PAGE_URL,
    width: 1280,
    height: 800,
    settings: {
      disableJavaScriptFileLoading: true,
      handleDisabledFileLoadingAsSuccess: true,
      navigator: { userAgent: USER_AGENT },
    },
  });
}
installNetworkStub((callback) => nodeSetImmediate(callback));
const { adapter } = (await import(pathToFileURL(values.bundle).href)) as { adapter: CostAdapter };
const gc = (globalThis as { gc?: () => void }).gc;
const result = await measureTrack(
  adapter,
  {
    now: () => performance.now(),
    turn: () => new Promise<void>((resolve) => nodeSetImmediate(resolve)),
    sleep: (ms) => new Promise<void>((resolve) => nodeSetTimeout(resolve, ms)),
    ...(gc ? { gc } : {}),
  },
  {
    iterations: Number(values.iterations),
    warmup: Number(values.warmup),
    maxMs: Number(values["max-seconds"]) * 1000,
    logs,
  },
);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
