import type { CostAdapter, CostResult } from "../adapter.js";
import { measureTrack } from "../measure.js";

declare global {
  interface Window {
    __benchResult?: CostResult;
    __benchError?: string;
    gc?: () => void;
  }
}

/** A macrotask without setTimeout's 4 ms clamp: one event-loop turn, as between user actions. */
function createTurn(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(0);
    });
}

export function runPage(adapter: CostAdapter, options: { iterations: number; warmup: number; maxMs: number }): void {
  const gc = window.gc;
  measureTrack(
    adapter,
    {
      now: () => performance.now(),
      turn: createTurn(),
      sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      ...(gc ? { gc } : {}),
    },
    { ...options, logs: window.__benchLogs },
  ).then(
    (result) => {
      window.__benchResult = result;
    },
    (error: unknown) => {
      window.__benchError = String(error);
    },
  );
}
