/**
 * First module of every page bundle: puts the network stub in place before any SDK module runs
 * (some keep a reference to fetch from load time), and keeps SDK console output for the report.
 */
import { installNetworkStub } from "../network-stub.js";

declare global {
  interface Window {
    __benchLogs: string[];
  }
}

window.__benchLogs = [];
for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  console[level] = (...args: unknown[]) => {
    if (window.__benchLogs.length < 5) window.__benchLogs.push(`${level}: ${args.map(String).join(" ").slice(0, 200)}`);
  };
}
installNetworkStub((callback) => setTimeout(callback, 0));
